"""Fuzzing: random edits of the real data and random Markdown never crash or hang.

Deterministic (derandomize=True, no example database) and bounded: 500 examples in all,
each with a 2 s Hypothesis deadline and a hard alarm that interrupts a real hang.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from explainer.cli import main
from explainer.dataset import load_dataset
from explainer.diagnostics import Diagnostic
from explainer.export import CSV_COLUMNS, export_files
from explainer.feed import atom_feed
from explainer.references import check_reference, find_references

from ..conftest import copy_project
from .support import DIAGNOSTIC, CheckRun, time_limit
from .test_exports import looks_like_formula, read_csv, unsafe_markup

DATA_FILES = ["actors", "events", "issues", "positions", "questions", "quotes", "sources",
              "updates"]
HARD_LIMIT = 10.0  # seconds; Hypothesis' deadline catches the slow, this the stuck

# No shrinking phase: a failure is reported as generated (at most 5 small edits), which
# keeps a failing run as bounded as a passing one.
FUZZ = settings(
    deadline=2000, derandomize=True, database=None, print_blob=False,
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much],
)

# YAML punctuation and whitespace, weighted in next to arbitrary Unicode.
PUNCTUATION = list(":-[]{}#&*!|>'\"%@`,?\t \n\r") + ["- ", ": ", "  ", "---", "...", "\ufeff",
                                                     "\u2028", "\x85", "\x00"]
CHARACTERS = st.characters(exclude_categories=("Cs",))  # no lone surrogates: not encodable
SNIPPETS = st.lists(st.one_of(st.sampled_from(PUNCTUATION), CHARACTERS), min_size=1,
                    max_size=8).map("".join)

EDIT = st.one_of(
    st.tuples(st.just("delete"), st.integers(0, 10_000)),
    st.tuples(st.just("duplicate"), st.integers(0, 10_000)),
    st.tuples(st.just("swap"), st.integers(0, 10_000), st.integers(0, 10_000)),
    st.tuples(st.just("indent"), st.integers(0, 10_000), st.integers(-3, 3)),
    st.tuples(st.just("insert"), st.integers(0, 1_000_000), SNIPPETS),
    st.tuples(st.just("bytes"), st.integers(0, 1_000_000), st.binary(min_size=1, max_size=4)),
)
MUTATION = st.tuples(st.sampled_from(DATA_FILES), st.lists(EDIT, min_size=1, max_size=5))


def apply_edits(data: bytes, edits: list[tuple]) -> bytes:
    for edit in edits:
        lines = data.splitlines(keepends=True) or [b""]
        kind = edit[0]
        if kind == "delete":
            del lines[edit[1] % len(lines)]
        elif kind == "duplicate":
            index = edit[1] % len(lines)
            lines.insert(index, lines[index])
        elif kind == "swap":
            i, j = edit[1] % len(lines), edit[2] % len(lines)
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "indent":
            index = edit[1] % len(lines)
            line = lines[index]
            lines[index] = (b" " * edit[2] + line if edit[2] >= 0
                            else line[min(-edit[2], len(line) - len(line.lstrip(b" "))):])
        else:
            insert = edit[2].encode("utf-8") if kind == "insert" else edit[2]
            whole = b"".join(lines)
            at = edit[1] % (len(whole) + 1)
            lines = [whole[:at] + insert + whole[at:]]
        data = b"".join(lines)
    return data


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("fuzz") / "project")
    shutil.copytree(root / "data", root.parent / "original-data")
    return root


@contextlib.contextmanager
def mutated(root: Path, name: str, edits: list[tuple]):
    path = root / "data" / f"{name}.yaml"
    original = path.read_bytes()
    path.write_bytes(apply_edits(original, edits))
    try:
        yield path
    finally:
        path.write_bytes(original)


@settings(FUZZ, max_examples=200)
@given(mutation=MUTATION)
def test_fuzz_load_dataset_never_raises_or_hangs(fuzz_root: Path, mutation) -> None:
    name, edits = mutation
    with mutated(fuzz_root, name, edits), time_limit(HARD_LIMIT, "load_dataset"):
        dataset, diagnostics = load_dataset(fuzz_root / "data", fuzz_root)
    for diagnostic in diagnostics:
        assert isinstance(diagnostic, Diagnostic)
        assert diagnostic.line >= 1 and diagnostic.column >= 1, diagnostic
    assert_exports_safe(dataset)


def assert_exports_safe(dataset) -> None:
    """Whatever the loader let through stays safe in every export: no CSV cell a
    spreadsheet would run, well-formed XML, TimelineJS markup the sanitiser allows."""
    files = export_files(dataset, "Fuzzed")
    for kind in CSV_COLUMNS:
        for row in read_csv(files[f"data/{kind}.csv"])[1:]:
            assert not any(looks_like_formula(cell) for cell in row), (kind, row)
    ElementTree.fromstring(atom_feed(dataset, site_name="Fuzzed",
                                     site_url="https://example.org/", author="Desk"))
    timeline = json.loads(files["data/timeline.json"])
    for event in timeline["events"]:
        assert unsafe_markup(event["text"]["text"]) == [], event
        assert unsafe_markup(event["text"]["headline"]) == [], event


@settings(FUZZ, max_examples=150)
@given(mutation=MUTATION)
def test_fuzz_check_exits_0_or_1(fuzz_root: Path, mutation) -> None:
    name, edits = mutation
    err = io.StringIO()
    with mutated(fuzz_root, name, edits), time_limit(HARD_LIMIT, "check"), \
            contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = main(["--root", str(fuzz_root), "check"])
    assert status in (0, 1)
    run = CheckRun(status, err.getvalue(), 0.0)
    assert "Traceback" not in run.stderr
    for line in run.diagnostics:
        assert DIAGNOSTIC.match(line), f"not a one-line diagnostic: {line!r}"
    assert (status == 1) == any(": error: " in line for line in run.diagnostics)


# -- the Markdown reference syntax -----------------------------------------------------

TOKENS = ["[[", "]]", "[", "]", ":", "|", ",", "`", "``", "```", "~~~", "\n", " ", "\t",
          "actor", "actors", "events", "quote", "stances", "questions", "source", "putin",
          "trump", "ceasefire", "arrival", "-", "x", "\\", "\u00e9", "\u2028"]
MARKDOWN = st.lists(st.one_of(st.sampled_from(TOKENS), CHARACTERS), max_size=80).map("".join)


@pytest.fixture(scope="module")
def real_dataset(fuzz_root: Path):
    dataset, _ = load_dataset(fuzz_root / "data", fuzz_root)
    return dataset


@settings(FUZZ, max_examples=150)
@given(text=MARKDOWN, first_line=st.integers(1, 50))
def test_fuzz_markdown_references(real_dataset, text: str, first_line: int) -> None:
    with time_limit(HARD_LIMIT, "find_references"):
        references = find_references(text, first_line)
        lines = text.split("\n")
        for ref in references:
            assert first_line <= ref.line < first_line + len(lines), ref
            line = lines[ref.line - first_line]
            assert ref.column == ref.start + 1, ref
            assert line[ref.start:ref.start + 2] == "[[", ref
            assert ref.problem is not None or line[:ref.end].endswith("]]"), ref
            for diagnostic in check_reference(ref, real_dataset, "content/x.md"):
                assert (diagnostic.line, diagnostic.column) == (ref.line, ref.column)
                assert "\n" not in diagnostic.message, diagnostic


def test_reference_parser_is_not_cubic_on_long_whitespace() -> None:
    """An unclosed `[[kind:` followed by a long run of blanks (a padded table row, a
    paste) must not stall the check: the regex may not backtrack cubically."""
    text = "[[actor:" + " " * 5000
    with time_limit(3.0, "find_references on '[[actor:' + 5000 spaces"):
        found = find_references(text)
    assert len(found) == 1 and (found[0].problem or "").startswith(
        "unclosed reference '[[actor:"), found


def test_check_does_not_stall_on_unclosed_reference(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    page = root / "content" / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nSee [[actor:" + " " * 4000 + "x\n",
                    encoding="utf-8")
    err = io.StringIO()
    with time_limit(5.0, "check with an unclosed [[actor: and 4000 spaces"), \
            contextlib.redirect_stderr(err):
        status = main(["--root", str(root), "check"])
    assert status == 1, err.getvalue()
    assert ": error: unclosed reference '[[actor: " in err.getvalue().splitlines()[0]


def test_fuzz_inputs_are_restored(fuzz_root: Path) -> None:
    """The fuzzing above leaves its copy of the data as it found it."""
    for name in DATA_FILES:
        assert (fuzz_root / "data" / f"{name}.yaml").read_bytes() == \
            (fuzz_root.parent / "original-data" / f"{name}.yaml").read_bytes(), name
