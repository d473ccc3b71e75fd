"""Diagnostics: one-line, compiler-style messages that point at a file, line and column."""

from __future__ import annotations

import difflib
import functools
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int
    column: int
    severity: Severity
    message: str

    def as_text(self) -> str:
        """One line, whatever the path: a file name with a line break in it must not
        start a line that reads as another diagnostic."""
        path = _UNPRINTABLE.sub(_escape_unprintable, self.path)
        message = _UNPRINTABLE.sub(_escape_unprintable, self.message)
        return f"{path}:{self.line}:{self.column}: {self.severity}: {message}"

    def as_github(self) -> str:
        """A GitHub Actions workflow command, escaped as actions/toolkit does, so no file
        name or message can end the command early or start another one."""
        return (f"::{self.severity} file={_github_property(self.path)},line={self.line},"
                f"col={self.column}::{_github_data(self.message)}")


def _github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    # ':' and ',' separate properties, so a file name must not carry them raw.
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


class ExplainerError(Exception):
    """Raised when diagnostics stop a build; carries them for the caller to print."""

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics = sorted(diagnostics)
        super().__init__("\n".join(d.as_text() for d in self.diagnostics))


# Characters a one-line message must not print raw: controls would break the line or
# drive the terminal; U+2028/U+2029 end a line in some viewers.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_unprintable(match: re.Match[str]) -> str:
    char = match.group()
    return _NAMED_ESCAPES.get(char) or f"\\u{ord(char):04x}"


def short(text: str, limit: int = 60) -> str:
    """A value fit for a one-line message: line breaks shown as \\n, controls as \\uXXXX,
    long text cut."""
    # Escaping only lengthens text, so what follows the first limit + 1 characters is cut.
    text = _UNPRINTABLE.sub(_escape_unprintable, text[: limit + 1])
    return text if len(text) <= limit else text[: limit - 1] + "…"


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ' (did you mean 'x'?)' suffix for the closest choice, or ''."""
    match = _suggester(choices).suggest(word) if len(word) <= MAX_WORD else None
    return f" (did you mean '{match}'?)" if match else ""


CUTOFF = 0.6  # difflib's ratio a suggestion needs
# Up to this many choices, difflib compares a word with each of them: its suggestions
# exactly (also for distant typos, 'sauce' for 'source'), at a cost per word that grows
# with the number of choices.
SMALL_SET = 300
ALWAYS_SCAN = 32  # so few choices (field names, closed sets) cost nothing to scan
# Comparisons one table of ids may spend on such scans; past it (thousands of unknown
# names in one run) words are looked up in the index alone, so a run stays linear.
SCAN_BUDGET = 200_000
MAX_CANDIDATES = 64  # ranked per word at most, however alike the choices are
MAX_WORD = 200  # ids are at most 64 characters; a longer word is close to none of them


class _Suggester:
    """Close matches of a word among one set of choices."""

    def __init__(self, choices: tuple[str, ...]):
        self.choices = choices
        self.budget = SCAN_BUDGET
        self.index: _DeletionIndex | None = None

    def suggest(self, word: str) -> str | None:
        count = len(self.choices)
        if count <= ALWAYS_SCAN or count <= min(SMALL_SET, self.budget):
            self.budget -= count
            found = difflib.get_close_matches(word, self.choices, n=1, cutoff=CUTOFF)
            return found[0] if found else None
        if self.index is None:
            self.index = _DeletionIndex(self.choices)
        return _closest(word, self.index.candidates(word))


def _fold(text: str) -> str:
    # 'Alaska Summit' and 'alaska_summit' are typos of 'alaska-summit' too.
    return text.casefold().replace("_", "-").replace(" ", "-")


def _one_deleted(text: str) -> set[str]:
    """The text and every text one character shorter."""
    return {text, *(text[:i] + text[i + 1:] for i in range(len(text)))}


def _hyphen_prefixes(text: str) -> list[str]:
    return [text[:i] for i, char in enumerate(text) if char == "-" and i]


class _DeletionIndex:
    """Choices under every form with one character deleted (a symmetric-delete index, as
    in SymSpell) and under their prefixes at hyphens. A word then finds, in about
    len(word) look-ups, each choice one edit away (a letter wrong, missing or extra, two
    letters swapped) and each choice with a hyphenated part more or less."""

    def __init__(self, choices: tuple[str, ...]):
        self.by_form: dict[str, list[str]] = {}
        self.by_prefix: dict[str, list[str]] = {}
        self.by_folded: dict[str, str] = {}
        for choice in choices:
            folded = _fold(choice)
            if len(folded) > MAX_WORD:
                continue
            self.by_folded.setdefault(folded, choice)
            for form in _one_deleted(folded):
                self.by_form.setdefault(form, []).append(choice)
            for prefix in _hyphen_prefixes(folded):
                self.by_prefix.setdefault(prefix, []).append(choice)
        for bucket in self.by_prefix.values():
            bucket.sort(key=len)  # the shortest extension is the closest

    def candidates(self, word: str) -> list[str]:
        folded = _fold(word)
        groups = [self.by_form.get(form, ()) for form in _one_deleted(folded)]
        groups.append(self.by_prefix.get(folded, ()))  # 'alaska-summit'
        groups.append([self.by_folded[prefix] for prefix in _hyphen_prefixes(folded)
                       if prefix in self.by_folded])  # 'putin-vladimir'
        found: dict[str, None] = {}
        for group in groups:
            for choice in group:
                found[choice] = None
                if len(found) >= MAX_CANDIDATES:
                    return list(found)
        return list(found)


def _closest(word: str, candidates: list[str]) -> str | None:
    """The candidate with the best difflib ratio over the cutoff; ties go to the greater
    string, as in difflib.get_close_matches."""
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(_fold(word))
    best: tuple[float, str] | None = None
    for choice in candidates:
        matcher.set_seq1(_fold(choice))
        if matcher.real_quick_ratio() < CUTOFF or matcher.quick_ratio() < CUTOFF:
            continue
        score = matcher.ratio()
        if score >= CUTOFF and (best is None or (score, choice) > best):
            best = (score, choice)
    return best[1] if best else None


def _suggester(choices: Iterable[str]) -> _Suggester:
    if isinstance(choices, dict) and choices:
        return _for_mapping(choices)
    return _for_choices(tuple(choices))


@functools.lru_cache(maxsize=64)
def _for_choices(choices: tuple[str, ...]) -> _Suggester:
    return _Suggester(choices)


# id -> (the mapping, its length, its last key, its suggester)
_BY_IDENTITY: dict[int, tuple[dict, int, object, _Suggester]] = {}


def _for_mapping(choices: dict) -> _Suggester:
    """The tables of ids are asked once per unknown reference: found by identity in O(1)
    rather than hashed anew, and replaced when changed (a key added to a dict is always
    its last). Each load makes new tables, so a scan budget lasts one run."""
    last = next(reversed(choices))
    cached = _BY_IDENTITY.get(id(choices))
    if (cached is not None and cached[0] is choices and cached[1] == len(choices)
            and cached[2] == last):
        return cached[3]
    suggester = _Suggester(tuple(choices))
    if len(_BY_IDENTITY) >= 32:
        _BY_IDENTITY.clear()
    _BY_IDENTITY[id(choices)] = (choices, len(choices), last, suggester)
    return suggester


def print_diagnostics(diagnostics: Iterable[Diagnostic], fmt: str = "text") -> None:
    """One line each on stderr: `file:line:col: severity: message`, or GitHub's
    workflow commands with `fmt="github"`."""
    for diagnostic in diagnostics:
        print(diagnostic.as_github() if fmt == "github" else diagnostic.as_text(),
              file=sys.stderr)


def apply_strict(diagnostics: Iterable[Diagnostic], strict: bool) -> list[Diagnostic]:
    if not strict:
        return sorted(diagnostics)
    return sorted(
        Diagnostic(d.path, d.line, d.column, "error", d.message) for d in diagnostics
    )


def count_line(diagnostics: list[Diagnostic]) -> str:
    errors = sum(d.severity == "error" for d in diagnostics)
    warnings = len(diagnostics) - errors
    return f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}"


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
