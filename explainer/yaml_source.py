"""Load YAML text into plain values, keeping the line and column of every value.

Safe by construction: the document is rebuilt from parser events, so no tag can
construct an object. Duplicate keys, anchors and aliases, explicit tags, several
documents, oversized and non-UTF-8 files, and control characters (raw, or written as a
YAML escape such as "\\x1b") are errors. Plain scalars follow YAML 1.2's core schema,
and the YAML 1.1 forms that other tools would still read as booleans, sexagesimal
numbers or octals (`no`, `on`, `12:30`, `012`) are errors that ask for quotes, so a file
means the same thing in every editor and parser.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

import yaml

from .diagnostics import Diagnostic, Severity, short

# libyaml's parser is several times faster; the pure-Python one is the fallback. Only
# its event stream is used, never its constructors.
_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_BYTES = 1024 * 1024

Path_ = tuple[int | str, ...]

# Whole-value patterns, used with fullmatch: `$` alone would also match before a final
# line break.
_NULL = re.compile(r"~|null|Null|NULL|")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False,
         "FALSE": False}
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)(?:[eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+"
)
# Forms YAML 1.1 parsers (PyYAML's default, many editors) turn into something else.
_YAML11_BOOL = re.compile(r"y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF")
_YAML11_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")
_YAML11_OTHER_NUMBER = re.compile(
    r"[-+]?(?:0[0-7_]+|0b[01_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*_[0-9_]*)"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)
# Characters no text may hold, though YAML's escapes ("\x1b", "\0", "\r") can write
# them: C0 controls but tab and line feed, DEL, C1 controls, lone surrogates and
# U+FFFE/U+FFFF. They would land raw in HTML and make the feed and sitemap invalid XML.
_BAD_IN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# A key is a field name: no tab or line break either.
_BAD_IN_KEY = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


# Every plain scalar starting with a letter that is not text in YAML 1.2 or in 1.1.
_RESERVED_WORDS = frozenset((
    "null", "Null", "NULL", *_BOOL,
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
    "on", "On", "ON", "off", "Off", "OFF",
))


@dataclass
class LoadedYaml:
    """A file's plain value plus the 1-based (line, column) of every value and key."""

    path: str
    value: Any = None
    positions: Mapping[Path_, tuple[int, int]] = field(default_factory=dict)
    key_positions: Mapping[Path_, tuple[int, int]] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def position(self, path: Path_) -> tuple[int, int]:
        """The position of `path`, or of its nearest ancestor that has one."""
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, (1, 1))

    def error(self, path: Path_, message: str, *, at_key: bool = False,
              severity: Severity = "error") -> Diagnostic:
        where = self.key_positions.get(path) if at_key else None
        line, column = where or self.position(path)
        diagnostic = Diagnostic(self.path, line, column, severity, message)
        self.diagnostics.append(diagnostic)
        return diagnostic


class _Stop(Exception):
    """Aborts building a file after an error that leaves no sensible value."""


class ParseStore(Protocol):
    """Where parses are kept between runs (explainer.parse_cache)."""

    def get(self, shown: str, digest: bytes) -> LoadedYaml | None: ...

    def put(self, shown: str, digest: bytes, loaded: LoadedYaml) -> None: ...


def load_yaml_bytes(data: bytes, path: str, store: ParseStore | None = None, *,
                    remember: bool = False) -> LoadedYaml:
    """A file's values and positions, with its parse problems as diagnostics.

    With `remember`, the parse is kept within the process and handed out again while
    the bytes are the same (the preview re-reads every file on each save, and only the
    changed one is parsed again): the values are then shared, for reading only. With
    `store`, parses are also kept between runs."""
    digest = hashlib.blake2b(data, digest_size=16).digest()
    if not remember:
        stored = store.get(path, digest) if store is not None else None
        if stored is not None:
            return stored
        parsed = _parse(data, path)
        if store is not None:
            store.put(path, digest, parsed)
        return parsed
    known = _PARSED.get(path)
    if known is not None and known[0] == digest:
        parsed = known[1]
    else:
        stored = store.get(path, digest) if store is not None else None
        parsed = stored if stored is not None else _parse(
            data, path, before=(known[2], known[1]) if known is not None else None)
        if store is not None and stored is None:
            store.put(path, digest, parsed)
        _PARSED[path] = (digest, parsed, data)
    # A copy: loading adds its own diagnostics to the result.
    return LoadedYaml(parsed.path, parsed.value, parsed.positions, parsed.key_positions,
                      list(parsed.diagnostics))


# File as shown -> (digest of its bytes, its parse, the bytes): the latest version of
# each file.
_PARSED: dict[str, tuple[bytes, LoadedYaml, bytes]] = {}


def _parse(data: bytes, path: str,
           before: tuple[bytes, LoadedYaml] | None = None) -> LoadedYaml:
    """`data` parsed; `before` is an earlier version of the same file and its parse, whose
    unchanged entries need not be parsed again (explainer/yaml_entries.py)."""
    loaded = LoadedYaml(path)
    if len(data) > MAX_BYTES:
        loaded.error((), f"file is {len(data):,} bytes, over the {MAX_BYTES / 1024 ** 2:g} MiB "
                         "limit for one file; split the kind into a folder data/<kind>/ of "
                         "several files, or remove unused entries")
        return loaded
    if b"\x00" in data:
        line, column = byte_line_col(data, data.index(b"\x00"))
        loaded.diagnostics.append(Diagnostic(
            path, line, column, "error",
            "binary data (a NUL byte) in a YAML file; save it as UTF-8 text"))
        return loaded
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = byte_line_col(data, exc.start)
        loaded.diagnostics.append(Diagnostic(
            path, line, column, "error",
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8"))
        return loaded
    text = text.removeprefix("\ufeff")
    separator = _UNICODE_LINE_BREAK.search(text)
    if separator:
        line, column = _text_line_col(text, separator.start())
        loaded.diagnostics.append(Diagnostic(
            path, line, column, "error",
            f"invisible line separator U+{ord(separator.group()):04X} in the text; "
            "replace it with a space or a real line break"))
        return loaded
    if before is not None and not before[1].diagnostics:
        from .yaml_entries import reparsed

        before_text = before[0].decode("utf-8").removeprefix("\ufeff")
        again = reparsed(text, path, before_text, before[1], _load_text)
        if again is not None:
            return again
    return _load_text(text, loaded)


# YAML counts these as line breaks, which would shift every later line number.
_UNICODE_LINE_BREAK = re.compile("[\u0085\u2028\u2029]")


def _text_line_col(text: str, index: int) -> tuple[int, int]:
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


def byte_line_col(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column, in characters, of a byte offset (a BOM is not a column)."""
    before = data[:offset]
    line = before.count(b"\n") + 1
    line_start = before.rfind(b"\n") + 1
    prefix = data[line_start:offset]
    if line_start == 0:
        prefix = prefix.removeprefix(b"\xef\xbb\xbf")
    return line, len(prefix.decode("utf-8", errors="replace")) + 1


def _load_text(text: str, loaded: LoadedYaml) -> LoadedYaml:
    try:
        events = list(_events(text))
    except yaml.reader.ReaderError as exc:
        line, column = _text_line_col(text, exc.position)
        loaded.diagnostics.append(Diagnostic(
            loaded.path, line, column, "error",
            f"control character U+{exc.character:04X} is not allowed in YAML; delete it"
            if isinstance(exc.character, int) else f"unreadable character: {exc.reason}"))
        return loaded
    except yaml.MarkedYAMLError as exc:
        line, column, message = _locate_syntax_error(exc, text)
        loaded.diagnostics.append(Diagnostic(loaded.path, line, column, "error", message))
        return loaded
    except yaml.YAMLError as exc:
        loaded.diagnostics.append(Diagnostic(
            loaded.path, 1, 1, "error", f"YAML syntax error: {exc}"))
        return loaded
    builder = _Builder(events, loaded)
    try:
        loaded.value = builder.build()
    except _Stop:
        loaded.value = None
    return loaded


def _events(text: str) -> Iterator[yaml.Event]:
    parser = _Parser(text)
    get_event = parser.get_event
    try:
        while (event := get_event()) is not None:
            yield event
    finally:
        parser.dispose()


def _locate_syntax_error(exc: yaml.MarkedYAMLError, text: str) -> tuple[int, int, str]:
    """Where to point and what to say. An unclosed quote is reported at its opening."""
    mark: yaml.Mark | None
    if exc.context and "quoted scalar" in exc.context and exc.context_mark is not None:
        mark = exc.context_mark
        return (mark.line + 1, mark.column + 1,
                "YAML syntax error: this quoted value is never closed; add the closing quote")
    mark = exc.problem_mark or exc.context_mark
    if exc.problem and ("expected key" in exc.problem or "block end" in exc.problem
                        or "expected '-'" in exc.problem):
        opened = _runaway_quote(text, mark)
        if opened is not None:
            return (opened[0], opened[1], "YAML syntax error: this quoted value runs on to "
                    f"line {opened[2]}; close the quote on its own line")
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return line, column, _syntax_message(exc, text, mark)


def _runaway_quote(text: str, mark: yaml.Mark | None) -> tuple[int, int, int] | None:
    """A quoted value before `mark` that spans lines: usually a quote left open."""
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            start, end = token.start_mark, token.end_mark
            if mark is not None and start.line > mark.line:
                break
            if (isinstance(token, yaml.ScalarToken) and token.style in ('"', "'")
                    and end.line > start.line):
                return start.line + 1, start.column + 1, end.line + 1
    except yaml.YAMLError:
        return None
    return None


def _syntax_message(exc: yaml.MarkedYAMLError, text: str, mark: yaml.Mark | None) -> str:
    problem = (exc.problem or "invalid YAML").rstrip(".")
    line_text = ""
    if mark is not None:
        lines = text.splitlines()
        if 0 <= mark.line < len(lines):
            line_text = lines[mark.line]
    if "\t" in problem or ("\t" in line_text[: (mark.column + 1 if mark else 0)]):
        return "YAML syntax error: a tab character is used for indentation; indent with spaces"
    hint = ""
    if "mapping values are not allowed" in problem:
        hint = "; a value containing ': ' must be quoted"
    elif "could not find expected ':'" in problem or "simple key" in problem:
        hint = "; check for an unclosed quote or a missing ':' on the line above"
    elif "found unexpected end of stream" in problem or "end of stream" in problem:
        hint = "; a quoted value is probably not closed"
    elif ("expected <block end>" in problem or "expected key" in problem
          or "expected '-'" in problem):
        at = line_text[mark.column: mark.column + 1] if mark is not None else ""
        hint = ("; check the brackets on this line" if at and at in "[]{}" else
                "; check the indentation of this line against the lines above")
    context = f" ({exc.context})" if exc.context else ""
    return f"YAML syntax error: {problem}{context}{hint}"


MAX_DEPTH = 40  # real data nests 3 or 4 levels; deeper is a mistake or an attack


class _Builder:
    def __init__(self, events: list[yaml.Event], loaded: LoadedYaml) -> None:
        self.events = events
        self.index = 0
        self.loaded = loaded
        self.positions: dict[Path_, tuple[int, int]] = {}
        self.key_positions: dict[Path_, tuple[int, int]] = {}
        loaded.positions, loaded.key_positions = self.positions, self.key_positions

    def _next(self) -> yaml.Event:
        event = self.events[self.index]
        self.index += 1
        return event

    def _peek(self) -> yaml.Event:
        return self.events[self.index]

    def build(self) -> Any:
        self._next()  # StreamStart
        if isinstance(self._peek(), yaml.StreamEndEvent):
            self.positions[()] = (1, 1)
            return None
        self._next()  # DocumentStart
        value = self._node(())
        self._next()  # DocumentEnd
        following = self._peek()
        if not isinstance(following, yaml.StreamEndEvent):
            mark = cast(yaml.Mark, following.start_mark)  # parsed events carry marks
            self.loaded.diagnostics.append(Diagnostic(
                self.loaded.path, mark.line + 1, mark.column + 1, "error",
                "a second YAML document ('---') in one file; keep one document per file"))
        return value

    def _fail(self, event: yaml.Event, message: str) -> None:
        mark = cast(yaml.Mark, event.start_mark)  # parsed events carry marks
        self.loaded.diagnostics.append(
            Diagnostic(self.loaded.path, mark.line + 1, mark.column + 1, "error", message))

    def _node(self, path: Path_) -> Any:
        # The hot loop of every check: plain attribute access and exact type tests (which
        # mypy does not follow through `kind`, hence an unchecked event).
        event: Any = self.events[self.index]
        self.index += 1
        mark = event.start_mark
        self.positions[path] = (mark.line + 1, mark.column + 1)
        kind = type(event)
        if kind is yaml.AliasEvent:
            self._fail(event, f"alias '*{event.anchor}' is not allowed; "
                              "write the value out in full")
            return None
        if event.anchor is not None:
            self._fail(event, f"anchor '&{event.anchor}' is not allowed; "
                              "write each value out in full")
        if kind is yaml.ScalarEvent:
            return self._scalar(event, path, event.tag)
        if event.tag not in (None, "!"):
            self._fail(event, f"tag '{event.tag}' is not allowed; remove it")
        if len(path) >= MAX_DEPTH:
            self._fail(event, f"nested more than {MAX_DEPTH} levels deep; flatten the data")
            raise _Stop
        if kind is yaml.SequenceStartEvent:
            items: list[Any] = []
            events = self.events
            while type(events[self.index]) is not yaml.SequenceEndEvent:
                items.append(self._node((*path, len(items))))
            self.index += 1
            return items
        if kind is yaml.MappingStartEvent:
            return self._mapping(path)
        raise _Stop  # pragma: no cover - the parser only yields the events above

    def _mapping(self, path: Path_) -> dict[str, Any]:
        result: dict[str, Any] = {}
        events = self.events
        key_positions = self.key_positions
        while type(key_event := events[self.index]) is not yaml.MappingEndEvent:
            if type(key_event) is not yaml.ScalarEvent:
                self._fail(key_event, "a key must be plain text")
                self._node((*path, "<key>"))
                self._node((*path, "<value>"))
                continue
            self.index += 1
            key = key_event.value
            if (found := _BAD_IN_KEY.search(key)) is not None:
                key = self._without_bad(key_event, key, found, "a key")
            key_path = (*path, key)
            if key in result:
                first = key_positions[key_path]
                self._fail(key_event, f"duplicate key '{short(key)}' (first defined at line "
                                      f"{first[0]}); keep one and delete the other")
                self._node((*path, "<duplicate>"))
                continue
            key_mark = cast(yaml.Mark, key_event.start_mark)  # parsed events carry marks
            key_positions[key_path] = (key_mark.line + 1, key_mark.column + 1)
            result[key] = self._node(key_path)
        self.index += 1
        return result

    def _without_bad(self, event: yaml.ScalarEvent, value: str, found: re.Match[str],
                     where: str) -> str:
        """An error at the value's start (the parser knows no finer position inside an
        escaped string), and the value without such characters, so that no later check
        trips on them a second time."""
        char = ord(found.group())
        kind = "control" if char < 0xA0 else "invalid"
        self._fail(event, f"{kind} character U+{char:04X} in {where}; remove it")
        return found.re.sub("", value)

    def _scalar(self, event: yaml.ScalarEvent, path: Path_, tag: str | None) -> Any:
        value = event.value
        if (found := _BAD_IN_TEXT.search(value)) is not None:
            value = self._without_bad(event, value, found, "text")
        if tag is not None and tag != "!":
            self._fail(event, f"tag '{tag}' is not allowed; remove it")
            return value
        if not event.implicit[0]:  # quoted or block scalar: always text
            return value
        if value[:1].isalpha() and value not in _RESERVED_WORDS:
            return value  # plain text: the common case, no pattern can match
        if _NULL.fullmatch(value):
            return None
        if value in _BOOL:
            return _BOOL[value]
        if _INT.fullmatch(value):
            if len(value) > 18:
                self._fail(event, f"number with {len(value)} digits is too long; put it in "
                                  "quotes if it is text")
                return value
            return int(value)
        if _FLOAT.fullmatch(value):
            return float(value)
        if _YAML11_BOOL.fullmatch(value):
            self._fail(event, f"unquoted '{value}' is read as a boolean by YAML 1.1 tools; "
                              f"write \"{value}\" in quotes for text, or true/false")
        elif _YAML11_SEXAGESIMAL.fullmatch(value):
            self._fail(event, f"unquoted '{value}' is read as a base-60 number by YAML 1.1 "
                              f"tools; write \"{value}\" in quotes")
        elif _YAML11_OTHER_NUMBER.fullmatch(value):
            self._fail(event, f"unquoted '{value}' is read as a number by YAML 1.1 tools; "
                              f"write \"{value}\" in quotes")
        return value
