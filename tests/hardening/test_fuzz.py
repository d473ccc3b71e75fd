"""Fuzzing: random edits of the real data and random Markdown never crash or hang.

Every kind in the registry (explainer.kinds) is fuzzed: its data file edited as text,
each field of its model given any value or none, its reference fields given ids of the
kind they refer to or of any other, and its reference names and ids mixed into Markdown.

Deterministic (derandomize=True, no example database) and bounded: 600 examples in all,
each with a 2 s Hypothesis deadline and a hard alarm that interrupts a real hang.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from explainer.cli import main
from explainer.diagnostics import Diagnostic
from explainer.export import CSV_COLUMNS, export_files
from explainer.feed import atom_feed
from explainer.kinds import BLOCKS, KINDS, LINK_KINDS, Kind
from explainer.references import check_reference, find_references
from explainer.store import load_dataset
from explainer.yaml_source import load_yaml_bytes

from ..conftest import REPO, copy_project
from .support import DIAGNOSTIC, CheckRun, time_limit
from .test_exports import looks_like_formula, read_csv, unsafe_markup


def bundled_entries() -> dict[str, list[dict[str, Any]]]:
    """The entries of every kind in the bundled data, as the explainer reads them."""
    paths = {name: REPO / "data" / f"{name}.yaml" for name in KINDS}
    return {name: load_yaml_bytes(path.read_bytes(), path.name).value or []
            for name, path in paths.items() if path.exists()}


BUNDLED = bundled_entries()
DATA_FILES = list(BUNDLED)
KEYS = {name: [key for entry in entries if (key := KINDS[name].model.raw_key(entry))]
        for name, entries in BUNDLED.items()}
SAMPLE_IDS = sorted({key for keys in KEYS.values() for key in keys[:2]})
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
def written(path: Path, data: bytes) -> Iterator[Path]:
    """`path` holding `data` while in the block, then its own bytes again."""
    original = path.read_bytes()
    path.write_bytes(data)
    try:
        yield path
    finally:
        path.write_bytes(original)


def mutated(root: Path, name: str, edits: list[tuple]) -> contextlib.AbstractContextManager:
    path = root / "data" / f"{name}.yaml"
    return written(path, apply_edits(path.read_bytes(), edits))


@settings(FUZZ, max_examples=200)
@given(mutation=MUTATION)
def test_fuzz_load_dataset_never_raises_or_hangs(fuzz_root: Path, mutation) -> None:
    name, edits = mutation
    with mutated(fuzz_root, name, edits), time_limit(HARD_LIMIT, "load_dataset"):
        dataset, diagnostics = load_dataset(fuzz_root / "data", fuzz_root)
    assert_placed(diagnostics)
    assert_exports_safe(dataset)


def assert_placed(diagnostics: list[Diagnostic]) -> None:
    for diagnostic in diagnostics:
        assert isinstance(diagnostic, Diagnostic)
        assert diagnostic.line >= 1 and diagnostic.column >= 1, diagnostic


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


# -- each field of each kind -----------------------------------------------------------

DELETE = object()  # as a field's new value: the field is removed
UNKNOWN_FIELD = "not-a-field"
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), SNIPPETS,
                    st.text(CHARACTERS, max_size=30))
ANY_VALUE = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(SNIPPETS, inner, max_size=3)), max_leaves=6)


@dataclass(frozen=True)
class FieldEdit:
    """One field of one bundled entry given a new value, or removed."""

    kind: str
    index: int
    field: str
    value: Any

    def entries(self) -> list[dict[str, Any]]:
        """The kind's bundled entries with the edit made."""
        entries = copy.deepcopy(BUNDLED[self.kind])
        if self.value is DELETE:
            entries[self.index].pop(self.field, None)
        else:
            entries[self.index][self.field] = self.value
        return entries

    def must_fail(self) -> bool:
        """Whether the data is broken for certain: a required field removed, a field the
        model lacks, or a reference to an id its kind does not have."""
        kind = KINDS[self.kind]
        info = kind.model.model_fields.get(self.field)
        if self.value is DELETE:
            return info is not None and info.is_required()
        if info is None:
            return True
        target = kind.reference_fields().get(self.field)
        return (target is not None and isinstance(self.value, str)
                and self.value not in KEYS.get(target, []))


def field_values(kind: Kind, field: str) -> st.SearchStrategy[Any]:
    """Anything, nothing, or ids: of the kind the field refers to, or of any kind."""
    ids = st.sampled_from(SAMPLE_IDS)
    target = kind.reference_fields().get(field)
    if KEYS.get(target or ""):
        ids = st.one_of(st.sampled_from(KEYS[target]), ids)
    return st.one_of(st.just(DELETE), ANY_VALUE, ids, st.lists(ids, max_size=4))


@st.composite
def field_edits(draw: st.DrawFn) -> FieldEdit:
    name = draw(st.sampled_from([name for name in DATA_FILES if BUNDLED[name]]))
    kind = KINDS[name]
    index = draw(st.integers(0, len(BUNDLED[name]) - 1))
    field = draw(st.sampled_from([*kind.model.model_fields, UNKNOWN_FIELD]))
    return FieldEdit(name, index, field, draw(field_values(kind, field)))


@settings(FUZZ, max_examples=100)
@given(edit=field_edits())
def test_fuzz_field_values_never_crash(fuzz_root: Path, edit: FieldEdit) -> None:
    text = yaml.safe_dump(edit.entries(), allow_unicode=True, sort_keys=False)
    path = fuzz_root / "data" / f"{edit.kind}.yaml"
    with written(path, text.encode("utf-8")), time_limit(HARD_LIMIT, "load_dataset"):
        dataset, diagnostics = load_dataset(fuzz_root / "data", fuzz_root)
    assert_placed(diagnostics)
    if edit.must_fail():
        assert any(d.severity == "error" for d in diagnostics), edit
    assert_exports_safe(dataset)


# -- the Markdown reference syntax -----------------------------------------------------

# Reference names as the registry has them, and kind names (not all of them names), with
# real ids of every kind.
TOKENS = ["[[", "]]", "[", "]", ":", "|", ",", "`", "``", "```", "~~~", "\n", " ", "\t",
          *sorted({*LINK_KINDS, *BLOCKS, *KINDS}), *SAMPLE_IDS, "-", "x", "\\", "\u00e9",
          "\u2028"]
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
