"""A corpus of broken inputs: each a small change to the real data or content.

Every case states the exit status of `check` and the exact first diagnostic line(s)
(`path:line:col: severity: message`), computed against the mutated file so the table
survives edits to the data. Where the wording is a design choice still open, a case
gives a regular expression that pins the position and the point of the message.

Cases with `whole=True` also say there is nothing else: no cascade of follow-on errors
from one mistake, in this file, another data file or content/.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from ..conftest import replace_in, run_cli
from .support import DIAGNOSTIC, CheckRun, check_in_process, line_number, position

Mutation = Callable[[Path], None]
Expected = Callable[[Path], list["str | re.Pattern[str]"]]

A, E, ISS, P = "data/actors.yaml", "data/events.yaml", "data/issues.yaml", "data/positions.yaml"
S, U = "data/sources.yaml", "data/updates.yaml"
INDEX = "content/index.md"


@dataclass(frozen=True)
class Case:
    name: str
    file: str
    mutate: Mutation
    status: int
    expect: Expected
    whole: bool = True  # the expected lines are all of the diagnostics
    subprocess: bool = False  # also run it as a separate process
    max_seconds: float = 5.0


# -- mutations ---------------------------------------------------------------------------


def replace(rel: str, old: str, new: str) -> Mutation:
    return lambda root: replace_in(root / rel, old, new)


def replace_bytes(rel: str, old: bytes, new: bytes) -> Mutation:
    def mutate(root: Path) -> None:
        data = (root / rel).read_bytes()
        assert old in data, f"{old!r} not in {rel}"
        (root / rel).write_bytes(data.replace(old, new, 1))
    return mutate


def write(rel: str, content: str | bytes) -> Mutation:
    def mutate(root: Path) -> None:
        data = content.encode("utf-8") if isinstance(content, str) else content
        (root / rel).write_bytes(data)
    return mutate


def append(rel: str, text: str) -> Mutation:
    def mutate(root: Path) -> None:
        path = root / rel
        current = path.read_text(encoding="utf-8")
        path.write_text(current.rstrip("\n") + "\n\n" + text, encoding="utf-8")
    return mutate


def transform(rel: str, change: Callable[[bytes], bytes]) -> Mutation:
    def mutate(root: Path) -> None:
        path = root / rel
        path.write_bytes(change(path.read_bytes()))
    return mutate


def every_data_file(change: Callable[[bytes], bytes]) -> Mutation:
    def mutate(root: Path) -> None:
        for path in sorted((root / "data").glob("*.yaml")):
            path.write_bytes(change(path.read_bytes()))
    return mutate


def both(*mutations: Mutation) -> Mutation:
    def mutate(root: Path) -> None:
        for mutation in mutations:
            mutation(root)
    return mutate


# -- expectations ------------------------------------------------------------------------


Message = str | Callable[[Path], str]


def at(rel: str, needle: str, message: Message, offset: int = 0, nth: int = 1,
       severity: str = "error") -> Callable[[Path], str]:
    """One exact line: the position of `needle` (+offset) in the mutated file. A message
    may be a function of the project, to name lines of the data as it is now."""
    def expect(root: Path) -> str:
        text = message(root) if callable(message) else message
        return f"{position(root, rel, needle, offset, nth)}: {severity}: {text}"
    return expect


def lines(*parts: Callable[[Path], str | re.Pattern[str]]) -> Expected:
    return lambda root: [part(root) for part in parts]


def one(rel: str, needle: str, message: Message, offset: int = 0) -> Expected:
    return lines(at(rel, needle, message, offset))


def nothing(root: Path) -> list[str | re.Pattern[str]]:
    return []


def quote_not_closed(rel: str, needle: str, offset: int) -> Expected:
    """An unclosed quote: the line points at the opening quote, or at least names its
    line, and says a quote is not closed."""
    def expect(root: Path) -> list[str | re.Pattern[str]]:
        where = position(root, rel, needle, offset)
        line = where.split(":")[1]
        return [re.compile(
            rf"{re.escape(where)}: error: YAML syntax error: [^\n]*quot[^\n]*"
            rf"|{re.escape(rel)}:\d+:\d+: error: YAML syntax error: [^\n]*quot[^\n]*"
            rf"\bline {line}\b[^\n]*")]
    return expect


def indentation(rel: str, needle: str) -> Expected:
    """A mis-indented line: the error is on that line and talks about indentation."""
    def expect(root: Path) -> list[str | re.Pattern[str]]:
        line = position(root, rel, needle).split(":")[1]
        return [re.compile(rf"{re.escape(rel)}:{line}:\d+: error: YAML syntax error: "
                           r"[^\n]*indent[^\n]*")]
    return expect


def error_at(rel: str, needle: str, offset: int = 0, mentions: str = "") -> Expected:
    """Any one-line error at exactly this position (the wording is the fixer's choice)."""
    def expect(root: Path) -> list[str | re.Pattern[str]]:
        where = position(root, rel, needle, offset)
        return [re.compile(rf"{re.escape(where)}: error: [^\n]*{mentions}[^\n]*")]
    return expect


def error_on_line(rel: str, needle: str, mentions: str = "") -> Expected:
    def expect(root: Path) -> list[str | re.Pattern[str]]:
        line = position(root, rel, needle).split(":")[1]
        return [re.compile(rf"{re.escape(rel)}:{line}:\d+: error: [^\n]*{mentions}[^\n]*")]
    return expect


def duplicate_extra(root: Path) -> str:
    return (f"duplicate key 'extra' (first defined at line {line_number(root, U, 'extra')}); "
            "keep one and delete the other")


YAML11_BOOL = "unquoted '{0}' is read as a boolean by YAML 1.1 tools; write \"{0}\" in quotes " \
              "for text, or true/false"
YAML11_NUMBER = "unquoted '{0}' is read as a number by YAML 1.1 tools; write \"{0}\" in quotes"
SIZE = ("file is {0:,} bytes, over the 1 MiB limit for one file; split the updates into a "
        "folder data/updates/ of several files, or remove unused entries")
UPDATE_KINDS = "addition, update, correction"


def billion_laughs() -> str:
    lines_ = ['- &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    names = "abcdefghij"
    for previous, name in zip(names, names[1:], strict=False):
        lines_.append(f"- &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    lines_.append("- *j")
    return "\n".join(lines_) + "\n"


def many_updates(count: int, summary_length: int) -> str:
    filler = "x" * summary_length
    return "".join(f'- id: update-{i}\n  date: "2026-11-29"\n  kind: addition\n'
                   f"  summary: Update {i} {filler}\n" for i in range(count))


U_SUMMARY = "summary: First publication of this explainer, built from the source article."
CONTROL = "control character U+{0} in text; remove it"
ID_SPELLING = "id: id '{0}' must be lowercase letters, digits and hyphens, e.g. '{1}'"
TOO_LONG = ("{field}: text is {length} characters long, over the {limit}-character limit "
            "for this field; shorten it")
NEW_ACTOR = "- id: {id}\n  name: {name}\n  kind: person\n"

NEW_EVENT = """\
- id: hardening-event
  start: {start}
  title: A test event
  summary: A test event.
  place: Anchorage
  sources: [alaska-summit-article]
"""
NEW_ISSUE = """\
- id: hardening-issue
  title: {title}
  summary: A test issue.
  sources: [alaska-summit-article]
"""

CASES: list[Case] = [
    # -- YAML syntax ------------------------------------------------------------------
    Case("syntax-unclosed-double-quote", U,
         replace(U, 'date: "2026-11-29"', 'date: "2026-11-29'), 1,
         quote_not_closed(U, 'date: "2026-11-29\n', 6)),
    Case("syntax-unclosed-double-quote-last-line", U,
         replace(U, 'as_of: "2026-11-29"', 'as_of: "2026-11-29'), 1,
         quote_not_closed(U, 'as_of: "2026-11-29\n', 7)),
    Case("syntax-unclosed-single-quote", U,
         replace(U, "kind: addition", "kind: 'addition"), 1,
         quote_not_closed(U, "kind: 'addition", 6)),
    Case("syntax-unclosed-flow-sequence", U,
         replace(U, "[source:alaska-summit-article]", "[source:alaska-summit-article"), 1,
         one(U, "  as_of:", "YAML syntax error: did not find expected ',' or ']' (while "
             "parsing a flow sequence)", offset=7)),
    Case("syntax-extra-bracket", U,
         replace(U, "[source:alaska-summit-article]", "[source:alaska-summit-article]]"), 1,
         one(U, "alaska-summit-article]]", "YAML syntax error: did not find expected key "
             "(while parsing a block mapping); check the brackets on this line", offset=22)),
    Case("syntax-indent-too-deep", U, replace(U, "  kind: addition", "   kind: addition"), 1,
         indentation(U, "   kind: addition")),
    Case("syntax-indent-too-shallow", U, replace(U, "  kind: addition", " kind: addition"), 1,
         indentation(U, " kind: addition")),
    Case("syntax-tab-indent", U, replace(U, "  kind: addition", "\tkind: addition"), 1,
         one(U, "\tkind", "YAML syntax error: a tab character is used for indentation; "
             "indent with spaces")),
    Case("syntax-stray-colon", U,
         replace(U, "summary: First publication of", "summary: First publication: of"), 1,
         one(U, "publication: of", "YAML syntax error: mapping values are not allowed in "
             "this context; a value containing ': ' must be quoted", offset=11),
         subprocess=True),
    Case("syntax-missing-colon", U, replace(U, "  kind: addition", "  kind addition"), 1,
         one(U, "  summary:", "YAML syntax error: could not find expected ':' (while "
             "scanning a simple key); check for an unclosed quote or a missing ':' on the "
             "line above", offset=2)),
    Case("syntax-second-document", U, append(U, "---\n- id: another\n"), 1,
         one(U, "---", "a second YAML document ('---') in one file; keep one document per "
             "file")),
    Case("syntax-control-character", U,
         replace(U, "summary: First publication", "summary: First\x07 publication"), 1,
         error_at(U, "\x07", mentions="(?:0007|control)"), subprocess=True),

    # -- duplicate keys, anchors, aliases, tags ---------------------------------------
    Case("duplicate-key", U,
         replace(U, "  kind: addition\n", "  kind: addition\n  kind: update\n"), 1,
         one(U, "  kind: update", lambda r: "duplicate key 'kind' (first defined at line "
             f"{line_number(r, U, '  kind: addition')}); keep one and delete the other",
             offset=2)),
    Case("duplicate-key-thrice-no-spurious-inner-duplicate", U,
         replace(U, "  kind: addition\n",
                 "  kind: addition\n  extra: {k: 1}\n  extra: {k: 1}\n  extra: {k: 1}\n"), 1,
         lines(at(U, "extra", "unknown field 'extra'"),
               at(U, "extra", duplicate_extra, nth=2),
               at(U, "extra", duplicate_extra, nth=3))),
    Case("anchor-and-alias", U,
         replace(U, "  summary: First", "  corrected: &s Was wrong\n  summary: *s\n  note: First"),
         1, lines(
             at(U, "&s", "anchor '&s' is not allowed; write each value out in full"),
             at(U, "*s", "alias '*s' is not allowed; write the value out in full"),
             at(U, "*s", "summary: expected text, but YAML read an empty value; put the "
                "value in quotes"),
             at(U, "  note:", "unknown field 'note'", offset=2))),
    Case("alias-bomb-billion-laughs", U, write(U, billion_laughs()), 1,
         one(U, "&a", "anchor '&a' is not allowed; write each value out in full"),
         whole=False, subprocess=True, max_seconds=2.0),
    Case("tag-python-object", U,
         replace(U, "summary: First publication of this explainer, built from the source "
                 "article.", "summary: !!python/object/apply:os.system [echo pwned]"), 1,
         lines(at(U, "!!python", "summary: expected text, but YAML read a list; put the value "
                  "in quotes"),
               at(U, "!!python", "tag 'tag:yaml.org,2002:python/object/apply:os.system' is "
                  "not allowed; remove it"))),
    Case("tag-on-scalar", U, replace(U, "kind: addition", "kind: !!str addition"), 1,
         one(U, "!!str", "tag 'tag:yaml.org,2002:str' is not allowed; remove it")),

    # -- YAML 1.1 coercions -----------------------------------------------------------
    *[Case(f"yaml11-{name}", E,
           replace(E, "place: Joint Base Elmendorf-Richardson, Anchorage, Alaska",
                   f"place: {raw}"), 1,
           one(E, f"place: {raw}\n", message.format(raw), offset=7))
      for name, raw, message in [
          ("no", "no", YAML11_BOOL), ("on", "on", YAML11_BOOL), ("off", "Off", YAML11_BOOL),
          ("sexagesimal-12-30", "12:30", "unquoted '{0}' is read as a base-60 number by YAML "
                                         "1.1 tools; write \"{0}\" in quotes"),
          ("octal-012", "012", YAML11_NUMBER), ("underscore-1_000", "1_000", YAML11_NUMBER),
          ("hex", "0x1F", YAML11_NUMBER), ("dot-inf", ".inf", YAML11_NUMBER),
      ]],
    Case("yaml11-1.10-is-a-number", U,
         replace(U, "summary: First publication of this explainer, built from the source "
                 "article.", "summary: 1.10"), 1,
         one(U, "1.10", "summary: expected text, but YAML read the number 1.1; put the value "
             "in quotes")),
    Case("huge-integer", U,
         replace(U, "summary: First publication of this explainer, built from the source "
                 "article.", "summary: " + "7" * 5000), 1,
         error_at(U, "7777"), subprocess=True),
    Case("deep-nesting", U,
         replace(U, "summary: First publication of this explainer, built from the source "
                 "article.", "summary: " + "{a: " * 600 + "b" + "}" * 600), 1,
         error_on_line(U, "{a: "), subprocess=True),

    # -- wrong types --------------------------------------------------------------------
    Case("type-list-for-text", U,
         replace(U, "summary: First publication of this explainer, built from the source "
                 "article.", "summary: [a, b]"), 1,
         one(U, "[a, b]", "summary: expected text, but YAML read a list; put the value in "
             "quotes")),
    Case("type-boolean-for-text", ISS, append(ISS, NEW_ISSUE.format(title="true")), 1,
         one(ISS, "title: true", "title: expected text, but YAML read the boolean true; put "
             "the value in quotes", offset=7)),
    Case("type-number-for-text", ISS, append(ISS, NEW_ISSUE.format(title="750")), 1,
         one(ISS, "title: 750", "title: expected text, but YAML read the number 750; put the "
             "value in quotes", offset=7)),
    Case("type-number-for-date", U, replace(U, 'date: "2026-11-29"', "date: 20261129"), 1,
         one(U, "20261129", "date: expected a date written YYYY-MM-DD (e.g. 2025-08-15), got "
             "the number 20261129")),
    Case("type-text-for-list", U,
         replace(U, "touches: [source:alaska-summit-article]",
                 "touches: source:alaska-summit-article"), 1,
         one(U, "source:alaska", "touches: expected a list, got "
             "'source:alaska-summit-article'")),
    Case("type-list-for-choice", U, replace(U, "kind: addition", "kind: [addition]"), 1,
         one(U, "[addition]", f"kind a list is not one of: {UPDATE_KINDS}")),
    Case("type-mapping-for-text", U,
         replace(U, "summary: First publication of this explainer, built from the source "
                 "article.", "summary: {text: First publication}"), 1,
         one(U, "{text", "summary: expected text, but YAML read a mapping; put the value in "
             "quotes")),
    Case("type-number-for-id", U, replace(U, "- id: first-publication", "- id: 2026"), 1,
         one(U, "2026", "id: expected an id, got the number 2026")),
    Case("bad-id-spelling", U,
         replace(U, "- id: first-publication", "- id: First Publication"), 1,
         one(U, "First Publication", "id: id 'First Publication' must be lowercase letters, "
             "digits and hyphens, e.g. 'first-publication'")),
    Case("value-with-a-line-break-stays-on-one-line", U,
         replace(U, "  kind: addition\n", "  kind: |\n    adition\n"), 1,
         error_at(U, "|\n", mentions=r"adition[^\n]* is not one of: addition, update, "
                  "correction")),
    Case("closed-set-typo", U, replace(U, "kind: addition", "kind: adition"), 1,
         one(U, "adition", f"kind 'adition' is not one of: {UPDATE_KINDS} (did you mean "
             "'addition'?)")),

    # -- missing and unknown fields ---------------------------------------------------
    Case("missing-required-field", U, replace(U, "  kind: addition\n", ""), 1,
         one(U, "id: first-publication", "missing required field 'kind'")),
    Case("missing-required-field-position", P, replace(P, "  stance: supports\n", ""), 1,
         one(P, "actor: trump", "missing required field 'stance'")),
    Case("unknown-field", U, replace(U, "  kind: addition\n", "  kind: addition\n  knd: x\n"),
         1, one(U, "knd", "unknown field 'knd' (did you mean 'kind'?)")),
    Case("misspelt-field", P, replace(P, "  stance: supports", "  stnce: supports"), 1,
         lines(at(P, "actor: trump", "missing required field 'stance'"),
               at(P, "stnce", "unknown field 'stnce' (did you mean 'stance'?)"))),
    Case("correction-without-corrected", U,
         replace(U, "kind: addition", "kind: correction"), 1,
         one(U, "id: first-publication", "update: a correction needs 'corrected': what was "
             "wrong before")),

    # -- dates and times --------------------------------------------------------------
    Case("date-not-real", U, replace(U, 'date: "2026-11-29"', 'date: "2026-02-30"'), 1,
         one(U, '"2026-02-30"', "date: '2026-02-30' is not a real date (day is out of range "
             "for month); write YYYY-MM-DD")),
    Case("date-month-13", U, replace(U, 'date: "2026-11-29"', 'date: "2026-13-01"'), 1,
         one(U, '"2026-13-01"', "date: '2026-13-01' is not a real date (month must be in "
             "1..12); write YYYY-MM-DD")),
    Case("date-wrong-format", U, replace(U, 'date: "2026-11-29"', "date: 29/11/2026"), 1,
         one(U, "29/11/2026", "date: expected a date written YYYY-MM-DD (e.g. 2025-08-15), "
             "got '29/11/2026'")),
    Case("date-unquoted-is-fine", U, replace(U, 'date: "2026-11-29"', "date: 2026-11-29"), 0,
         nothing),
    Case("time-without-offset", E, append(E, NEW_EVENT.format(start='"2025-08-15T11:30"')), 1,
         one(E, '"2025-08-15T11:30"', "start: '2025-08-15T11:30' needs a UTC offset, e.g. "
             "2025-08-15T11:00-08:00 (the offset of the local time, here UTC-8)")),
    Case("time-hour-25", E,
         append(E, NEW_EVENT.format(start='"2025-08-15T25:30-08:00"')), 1,
         one(E, '"2025-08-15T25:30', "start: '2025-08-15T25:30-08:00' is not a real time "
             "(hour must be in 0..23)")),
    Case("time-with-offset-is-fine", E,
         append(E, NEW_EVENT.format(start="2025-08-15T11:30-08:00")), 0, nothing),
    Case("end-before-start", E,
         append(E, NEW_EVENT.format(start='"2025-08-15"\n  end: "2025-08-14"')), 1,
         one(E, "id: hardening-event", "event: end is before start")),

    # -- ids and references between entries --------------------------------------------
    Case("dangling-actor", P, replace(P, "- actor: trump", "- actor: trum"), 1,
         one(P, "trum\n", "unknown actor 'trum' (did you mean 'trump'?)")),
    Case("dangling-actor-in-list", E,
         replace(E, "actors: [trump, putin]", "actors: [trump, ptuin]"), 1,
         one(E, "ptuin", "unknown actor 'ptuin' (did you mean 'putin'?)")),
    # Without git history a missing fact may have been removed after publication: a
    # warning that names the likely typo (with history it is an error: test_history.py).
    Case("dangling-touch", U,
         replace(U, "[source:alaska-summit-article]", "[source:alaska-summit]"), 0,
         lines(at(U, "source:alaska-summit]", "no git history to tell whether a removed "
                  "fact or a typo: source 'alaska-summit' (did you mean "
                  "'alaska-summit-article'?)", severity="warning"))),
    Case("touch-of-unknown-kind", U,
         replace(U, "[source:alaska-summit-article]", "[sauce:alaska-summit-article]"), 1,
         one(U, "sauce:", "'sauce:alaska-summit-article' must be kind:id with kind one of "
             "source, actor, issue, position, quote, question, event, update (did you mean "
             "'source'?)")),
    Case("duplicate-id", A, append(A, "- id: putin\n  name: Another Putin\n  kind: person\n"), 1,
         one(A, "putin\n  name: Another", lambda r: "duplicate id 'putin' in actors (first at "
             f"line {line_number(r, A, '- id: putin')}); ids must be unique")),
    Case("duplicate-id-update", U,
         append(U, '- id: first-publication\n  date: "2026-11-30"\n  kind: update\n'
                   "  summary: Again.\n"), 1,
         lines(at(U, "first-publication", lambda r: "duplicate id 'first-publication' in "
                  f"updates (first at line {line_number(r, U, '- id: first-publication')}); "
                  "ids must be unique", nth=2))),
    Case("position-on-unknown-issue", P, replace(P, "issue: ceasefire", "issue: ceasfire"), 1,
         one(P, "ceasfire", "unknown issue 'ceasfire' (did you mean 'ceasefire'?)")),
    Case("second-position-on-one-issue", P,
         append(P, "- actor: trump\n  issue: ceasefire\n  stance: opposes\n  summary: Again.\n"
                   "  sources: [alaska-summit-article]\n"), 1,
         one(P, "ceasefire\n  stance: opposes", lambda r: "second position of 'trump' on "
             f"'ceasefire' (first at line {line_number(r, P, '- actor: trump')}); merge them "
             "into one", offset=0)),
    Case("url-javascript", S,
         replace(S, "  kind: article\n", "  kind: article\n  url: javascript:alert(1)\n"), 1,
         one(S, "javascript:", "url: URL 'javascript:alert(1)' must start with http:// or "
             "https:// and name a host")),

    # -- file shapes and encodings ----------------------------------------------------
    Case("empty-file-is-an-empty-list", U, write(U, ""), 0, nothing),
    Case("comment-only-file", U, write(U, "# nothing yet\n"), 0, nothing),
    Case("single-scalar-file", U, write(U, "hello\n"), 1,
         lambda root: ["data/updates.yaml:1:1: error: expected a list of updates ('- id: ...' "
                       "entries), got 'hello'"]),
    Case("single-number-file", U, write(U, "42\n"), 1,
         lambda root: ["data/updates.yaml:1:1: error: expected a list of updates ('- id: ...' "
                       "entries), got the number 42"]),
    Case("mapping-file", U, write(U, "id: first-publication\nkind: addition\n"), 1,
         lambda root: ["data/updates.yaml:1:1: error: expected a list of updates ('- id: ...' "
                       "entries), got a mapping"]),
    Case("list-where-a-mapping-belongs", U, write(U, "- [first-publication, addition]\n"), 1,
         lambda root: ["data/updates.yaml:1:3: error: expected a mapping of fields for one of "
                       "the updates, got a list"]),
    Case("empty-entry", U, write(U, "-\n"), 1,
         lambda root: ["data/updates.yaml:1:2: error: expected a mapping of fields for one of "
                       "the updates, got an empty value"]),
    Case("binary-bytes", U, write(U, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 1,
         lambda root: ["data/updates.yaml:3:1: error: binary data (a NUL byte) in a YAML file; "
                       "save it as UTF-8 text"], subprocess=True),
    Case("not-utf8", U, replace_bytes(U, b"First publication", b"First publicaci\xf3n"), 1,
         one(U, "\ufffdn", "not valid UTF-8 (byte 0xf3); save the file as UTF-8")),
    Case("nul-column-counts-characters", U,
         replace_bytes(U, b"summary: First", "summary: “First” —\x00".encode()), 1,
         one(U, "\x00", "binary data (a NUL byte) in a YAML file; save it as UTF-8 text")),
    Case("nul-after-bom", U, write(U, b"\xef\xbb\xbf- id: x\x00\n"), 1,
         one(U, "\x00", "binary data (a NUL byte) in a YAML file; save it as UTF-8 text")),
    Case("utf8-bom", U, transform(U, lambda data: b"\xef\xbb\xbf" + data), 0, nothing),
    Case("crlf-line-ends", U, transform(U, lambda data: data.replace(b"\n", b"\r\n")), 0,
         nothing),
    Case("bom-and-crlf-in-every-file", "data/*.yaml",
         every_data_file(lambda data: b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n")), 0,
         nothing),
    Case("crlf-keeps-positions", U,
         both(replace(U, "kind: addition", "kind: adition"),
              transform(U, lambda data: data.replace(b"\n", b"\r\n"))), 1,
         one(U, "adition", f"kind 'adition' is not one of: {UPDATE_KINDS} (did you mean "
             "'addition'?)")),
    Case("bom-keeps-columns", U,
         transform(U, lambda data: b"\xef\xbb\xbf" + data.split(b"\n", 1)[1].replace(
             b"- id: first-publication", b"- id: First")), 1,
         lambda root: ["data/updates.yaml:1:7: error: id: id 'First' must be lowercase "
                       "letters, digits and hyphens, e.g. 'first'"]),
    Case("five-mib-file", U, transform(U, lambda data: data + b"# padding\n" * 524_288), 1,
         lambda root: [f"data/updates.yaml:1:1: error: "
                       f"{SIZE.format((root / U).stat().st_size)}"],
         subprocess=True, max_seconds=2.0),
    Case("ten-thousand-entries-under-the-cap", U, write(U, many_updates(10_000, 0)), 0,
         nothing, max_seconds=10.0),
    Case("ten-thousand-entries-over-the-cap", U, write(U, many_updates(10_000, 60)), 1,
         lambda root: [f"data/updates.yaml:1:1: error: "
                       f"{SIZE.format((root / U).stat().st_size)}"], max_seconds=2.0),

    # -- characters no text may hold, written as YAML escapes -----------------------------
    *[Case(f"control-escape-{name}", U,
           replace(U, U_SUMMARY, f'summary: "First{escape} publication"'), 1,
           one(U, '"First', message))
      for name, escape, message in [
          ("esc", r"\x1b", CONTROL.format("001B")), ("nul", r"\0", CONTROL.format("0000")),
          ("backspace", r"\x08", CONTROL.format("0008")),
          ("carriage-return", r"\r", CONTROL.format("000D")),
          ("del", r"\x7f", CONTROL.format("007F")), ("c1-csi", r"\x9b", CONTROL.format("009B")),
          ("c1-nel", r"\N", CONTROL.format("0085")),
          ("noncharacter", r"\uFFFE", "invalid character U+FFFE in text; remove it"),
      ]],
    Case("control-escape-in-an-id", U,
         replace(U, "- id: first-publication", r'- id: "first-publication\x1b"'), 1,
         one(U, '"first-publication', CONTROL.format("001B"))),
    Case("control-escape-in-a-key", U, replace(U, "  kind: addition", r'  "ki\x1bnd": addition'),
         1, one(U, '"ki', "control character U+001B in a key; remove it")),
    Case("line-feed-in-a-key", U, replace(U, "  kind: addition", r'  "kind\n": addition'), 1,
         one(U, '"kind', "control character U+000A in a key; remove it")),
    Case("tab-and-line-feed-escapes-are-fine", U,
         replace(U, U_SUMMARY, r'summary: "First\tpublication\nof this explainer."'), 0,
         nothing),

    # -- a line feed at the end of an id, date or time --------------------------------
    Case("id-with-trailing-line-feed", U,
         replace(U, "- id: first-publication", r'- id: "first-publication\n"'), 1,
         one(U, '"first-publication', ID_SPELLING.format(r"first-publication\n",
                                                          "first-publication"))),
    Case("second-actor-id-with-trailing-line-feed", A,
         append(A, NEW_ACTOR.format(id=r'"trump\n"', name="Another Trump")), 1,
         one(A, r'"trump\n"', ID_SPELLING.format(r"trump\n", "trump"))),
    Case("date-with-trailing-line-feed", U,
         replace(U, 'date: "2026-11-29"', r'date: "2026-11-29\n"'), 1,
         one(U, r'"2026-11-29\n"', r"date: expected a date written YYYY-MM-DD (e.g. "
             r"2025-08-15), got '2026-11-29\n'")),
    Case("time-with-trailing-line-feed", E,
         append(E, NEW_EVENT.format(start=r'"2025-08-15T11:00-08:00\n"')), 1,
         one(E, r'"2025-08-15T11:00-08:00\n"', r"start: '2025-08-15T11:00-08:00\n' is not a "
             "date and time written as ISO 8601; write e.g. 2025-08-15T11:00-08:00")),

    # -- lengths: ids name files, names go on cards, Markdown must render fast ----------
    Case("id-too-long-for-a-file-name", U,
         replace(U, "- id: first-publication", "- id: " + "a" * 263), 1,
         one(U, "a" * 263, f"id: id '{'a' * 59}…' is 263 characters long, over the "
             "64-character limit for ids; shorten it")),
    Case("id-at-the-length-limit-is-fine", U,
         replace(U, "- id: first-publication", "- id: " + "a" * 64), 0, nothing),
    Case("actor-name-of-a-million-characters", A,
         append(A, NEW_ACTOR.format(id="long-name", name="x" * 1_000_001)), 1,
         one(A, "name: xxx", TOO_LONG.format(field="name", length="1,000,001", limit="500"),
             offset=6), max_seconds=5.0),
    Case("source-publisher-too-long", S,
         replace(S, "  kind: article\n", "  kind: article\n  publisher: " + "p" * 501 + "\n"),
         1, one(S, "publisher: ppp", TOO_LONG.format(field="publisher", length="501",
                                                     limit="500"), offset=11)),
    Case("correction-text-too-long", U,
         replace(U, "  kind: addition\n",
                 "  kind: correction\n  corrected: " + "c" * 5_001 + "\n"), 1,
         one(U, "corrected: ccc", TOO_LONG.format(field="corrected", length="5,001",
                                                  limit="5,000"), offset=11)),
    Case("markdown-twenty-thousand-brackets", U,
         replace(U, U_SUMMARY, 'summary: "' + "[" * 20_000 + '"'), 1,
         one(U, '"[[[', TOO_LONG.format(field="summary", length="20,000", limit="5,000")),
         max_seconds=5.0),
    Case("markdown-too-many-brackets", U,
         replace(U, U_SUMMARY, 'summary: "' + "see [" * 31 + '"'), 1,
         one(U, '"see [', "summary: text has 31 '[' characters, over the limit of 30 (one or "
             "two per link); remove some")),
    Case("markdown-lists-nested-too-deep", U,
         replace(U, U_SUMMARY, 'summary: "' + "+ " * 600 + 'x"'), 1,
         one(U, '"+ +', "summary: lists or quotes are nested more than 10 levels deep; "
             "flatten them")),
    Case("markdown-in-a-list-nested-too-deep", "data/questions.yaml",
         replace("data/questions.yaml", "  known:\n    - ", "  known:\n    - " + "1. " * 11),
         1, one("data/questions.yaml", "1. 1. ", "known.0: lists or quotes are nested more "
                "than 10 levels deep; flatten them")),

    # -- one mistake, one line: no cascade into content/ or other files ------------------
    Case("no-cascade-syntax-error-into-content", ISS,
         replace(ISS, "title: Ceasefire in Ukraine", "title: Ceasefire: Ukraine"), 1,
         one(ISS, "Ceasefire: Ukraine", "YAML syntax error: mapping values are not allowed in "
             "this context; a value containing ': ' must be quoted", offset=9)),
    Case("no-cascade-invalid-event-into-content", E,
         replace(E, 'start: "2025-08-15"', 'start: "2025-08-15T11:30"'), 1,
         one(E, '"2025-08-15T11:30"', "start: '2025-08-15T11:30' needs a UTC offset, e.g. "
             "2025-08-15T11:00-08:00 (the offset of the local time, here UTC-8)")),
    Case("no-cascade-mapping-sources-into-content", S,
         write(S, "id: alaska-summit-article\ntitle: The article\n"), 1,
         lambda root: ["data/sources.yaml:1:1: error: expected a list of sources "
                       "('- id: ...' entries), got a mapping"]),
    Case("no-cascade-broken-positions-into-warnings", P,
         replace(P, "  stance: supports", "\tstance: supports"), 1,
         one(P, "\tstance", "YAML syntax error: a tab character is used for indentation; "
             "indent with spaces")),

    # -- references in Markdown -------------------------------------------------------
    Case("md-unknown-id", INDEX, replace(INDEX, "[[actor:putin]]", "[[actor:putn]]"), 1,
         one(INDEX, "[[actor:putn]]", "unknown actor 'putn' (did you mean 'putin'?)"),
         subprocess=True),
    Case("md-unknown-id-in-block-list", INDEX,
         replace(INDEX, "[[events:arrival,", "[[events:arival,"), 1,
         one(INDEX, "[[events:arival", "unknown event 'arival' (did you mean 'arrival'?)")),
    Case("md-inline-block", INDEX,
         replace(INDEX, "President [[actor:putin]]", "President [[quote:putin-starting-point]]"),
         1, one(INDEX, "[[quote:putin-starting-point]]", "[[quote:...]] is a block; put it on "
                "a line of its own")),
    Case("md-unknown-kind", INDEX, replace(INDEX, "[[actor:putin]]", "[[actress:putin]]"), 1,
         one(INDEX, "[[actress:", "unknown reference kind 'actress' in [[actress:...]]; use one "
             "of actor, event, events, issue, question, questions, quote, source, stances (did "
             "you mean 'actor'?)")),
    Case("md-empty-id", INDEX, replace(INDEX, "[[actor:putin]]", "[[actor:]]"), 1,
         one(INDEX, "[[actor:]]", "[[actor:]] names no id; write [[actor:some-id]]")),
    Case("md-link-with-two-ids", INDEX,
         replace(INDEX, "[[actor:putin]]", "[[actor:putin,trump]]"), 1,
         one(INDEX, "[[actor:putin,trump]]", "a link [[actor:...]] takes one id, got 2")),
    Case("md-stances-with-two-ids", "content/behind-closed-doors.md",
         replace("content/behind-closed-doors.md", "[[stances:ceasefire]]",
                 "[[stances:ceasefire,territory]]"), 1,
         one("content/behind-closed-doors.md", "[[stances:", "[[stances:...]] takes one id, "
             "got 2")),
    Case("md-reference-in-code-is-left-alone", INDEX,
         replace(INDEX, "[[actor:putin]]", "`[[actor:nobody]]` [[actor:putin]]"), 0, nothing),
    Case("md-reference-in-fence-is-left-alone", INDEX,
         append(INDEX, "```\n[[actor:nobody]]\n```\n"), 0, nothing),
    Case("md-not-utf8", INDEX,
         replace_bytes(INDEX, b"## Key takeaways", b"## Key take\xffaways"), 1,
         error_at(INDEX, "\ufffdaways", mentions="UTF-8")),
]


def _check_case(case: Case, root: Path, status: int | None, output: str,
                seconds: float | None, diagnostics: list[str]) -> list[str]:
    problems = []
    if status != case.status:
        problems.append(f"exit status {status}, expected {case.status}")
    if "Traceback" in output:
        return [*problems, "a traceback was printed"]
    for line in diagnostics:
        if not DIAGNOSTIC.match(line):
            problems.append(f"not a one-line diagnostic: {line!r}")
    expected = case.expect(root)
    got = diagnostics[: len(expected)]
    for index, want in enumerate(expected):
        have = got[index] if index < len(got) else "<nothing>"
        ok = want.fullmatch(have) if isinstance(want, re.Pattern) else want == have
        if not ok:
            shown = want.pattern if isinstance(want, re.Pattern) else want
            problems.append(f"diagnostic {index + 1}:\n   expected {shown!r}\n   got      "
                            f"{have!r}")
    if case.whole and len(diagnostics) > len(expected):
        problems.append(f"{len(diagnostics) - len(expected)} more diagnostic(s) than expected "
                        "(a cascade from one mistake?)")
    if seconds is not None and seconds > case.max_seconds:
        problems.append(f"took {seconds:.2f} s, over {case.max_seconds} s")
    return problems


def _report(case: Case, problems: list[str], diagnostics: list[str], output: str) -> str:
    listing = "\n".join(f"   | {line}" for line in diagnostics[:15])
    more = f"\n   | ... {len(diagnostics) - 15} more" if len(diagnostics) > 15 else ""
    if "Traceback" in output:
        tail = output.strip().splitlines()
        return (f"{case.name} ({case.file}):\n - " + "\n - ".join(problems)
                + "\n  traceback (first and last lines):\n   " + "\n   ".join(
                    [*tail[:3], "...", *tail[-6:]]))
    return (f"{case.name} ({case.file}):\n - " + "\n - ".join(problems)
            + f"\n  all diagnostics:\n{listing}{more}")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_broken_input(case: Case, project: Path) -> None:
    case.mutate(project)
    run = check_in_process(project)
    diagnostics = run.diagnostics
    problems = _check_case(case, project, run.status, run.stderr, run.seconds, diagnostics)
    assert not problems, _report(case, problems, diagnostics, run.stderr)


SUBPROCESS_CASES = [c for c in CASES if c.subprocess]


@pytest.mark.parametrize("case", SUBPROCESS_CASES, ids=[c.name for c in SUBPROCESS_CASES])
def test_broken_input_in_a_separate_process(case: Case, project: Path) -> None:
    """The command line an editor runs: exit status and message, never a traceback."""
    case.mutate(project)
    run = run_cli(project, "check", timeout=60)
    output = run.stdout + run.stderr
    diagnostics = CheckRun(run.returncode, run.stderr, 0.0).diagnostics
    problems = _check_case(case, project, run.returncode, output, None, diagnostics)
    assert not problems, _report(case, problems, diagnostics, output)


def test_corpus_covers_every_class() -> None:
    """The table keeps one case per class of input the hardening brief lists."""
    names = " ".join(case.name for case in CASES)
    for word in ("unclosed", "indent", "tab", "colon", "duplicate-key", "alias", "bomb",
                 "yaml11-no", "yaml11-on", "12-30", "1.10", "012", "type-", "missing",
                 "unknown-field", "date-", "time-", "dangling", "duplicate-id",
                 "unknown-issue", "empty-file", "single-scalar", "list-where", "binary",
                 "bom", "crlf", "five-mib", "ten-thousand", "md-unknown-id", "md-inline-block",
                 "md-unknown-kind", "control-escape", "trailing-line-feed", "id-too-long",
                 "million-characters", "markdown-twenty-thousand-brackets"):
        assert word in names, word


@pytest.mark.parametrize("character", ["\x85", "\u2028", "\u2029"],
                         ids=["NEL-U+0085", "LINE-SEPARATOR-U+2028", "PARAGRAPH-SEPARATOR-U+2029"])
def test_unicode_line_separator_in_a_value(project: Path, character: str) -> None:
    """Text pasted from the web or a PDF can carry U+0085/U+2028/U+2029. YAML 1.2 reads
    them as ordinary characters; libyaml (YAML 1.1) as line breaks, which shifts every
    later line number. Either the value loads as text, or the one error points at the
    character itself; never an error on another line with an unrelated hint."""
    replace_in(project / U, "summary: First publication", f"summary: First{character}publication")
    run = check_in_process(project)
    assert "Traceback" not in run.stderr, run.stderr
    if run.status == 0:
        assert run.diagnostics == [], run.stderr
        return
    where = position(project, U, character)
    assert run.status == 1
    assert len(run.diagnostics) == 1, run.diagnostics
    assert run.diagnostics[0].startswith(f"{where}: error: "), (
        f"expected an error at {where} (the character), got:\n{run.diagnostics[0]}")
