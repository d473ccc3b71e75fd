"""A kind's facts may be one file, data/<kind>.yaml, or a folder data/<kind>/ of YAML files:
the same entries in the same order, the same messages naming the file they are about, the
same history and gate (moving a fact between files changes nothing), the same schemas for
editors, and, for a 1,000-actor data set, the same site byte for byte."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from explainer.data_files import kind_files, schema_comment
from explainer.history import load_history
from explainer.kinds import KINDS
from explainer.schemas import schema_for
from explainer.store import load_dataset

from .conftest import REPO, copy_project, line_of, replace_in, run_cli
from .hardening.support import hash_tree
from .test_history import FIRST, SECOND, commit_all, git

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"
THIRD = "2026-12-03T10:00:00+00:00"
BOTH = ("data/actors.yaml:1:1: error: both data/actors.yaml and the folder data/actors/ hold "
        "actors; keep one: move this file into the folder (as data/actors/actors.yaml) or "
        "move the folder's entries into this file and delete the folder")


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    root = tmp_path / "minimal"
    shutil.copytree(MINIMAL, root)
    return root


def entries_of(path: Path) -> list[str]:
    """The entries of a data file as written (each ending in one line break), without the
    schema line."""
    body = path.read_text(encoding="utf-8")
    starts = [found.start() for found in re.finditer(r"^- ", body, re.MULTILINE)]
    return [body[start:end].rstrip("\n") + "\n"
            for start, end in zip(starts, [*starts[1:], len(body)], strict=True)]


def write_folder(data: Path, kind: str, files: dict[str, list[str]]) -> None:
    """Write a kind as a folder (file name -> its entries), each file with the schema line
    editors read, and remove the kind's one file."""
    (data / f"{kind}.yaml").unlink(missing_ok=True)
    for name, entries in files.items():
        path = data / kind / name
        path.parent.mkdir(parents=True, exist_ok=True)
        depth = len(Path(name).parts)
        path.write_text(schema_comment(kind, depth) + "\n".join(entries), encoding="utf-8")


def to_folder(data: Path, kind: str, names: list[str], at: list[int]) -> None:
    """Cut a kind's one file into the files `names` (in reading order), before the
    entries numbered in `at`."""
    entries = entries_of(data / f"{kind}.yaml")
    bounds = [0, *at, len(entries)]
    write_folder(data, kind, {name: entries[bounds[i]:bounds[i + 1]]
                              for i, name in enumerate(names)})


def messages(root: Path) -> list[str]:
    _, found = load_dataset(root / "data", root)
    return [d.as_text() for d in found]


def only(root: Path) -> str:
    found = messages(root)
    assert len(found) == 1, found
    return found[0]


def tables(root: Path) -> dict[str, list[tuple[str, dict]]]:
    """Every table in order, each entity with its fields."""
    dataset, found = load_dataset(root / "data", root)
    assert found == [], [d.as_text() for d in found]
    return {kind: [(key, entity.model_dump()) for key, entity in table.items()]
            for kind, table in dataset.tables.items()}


# -- loading ------------------------------------------------------------------------------


def test_every_kind_as_a_folder_loads_the_same_entries_in_the_same_order(
        project: Path) -> None:
    single = tables(project)
    data = project / "data"
    for kind in KINDS:
        count = len(entries_of(data / f"{kind}.yaml"))
        if count > 2:  # nested folders, .yml and .yaml
            to_folder(data, kind, ["2025/08.yaml", "2025/09.yml", "later.yaml"],
                      [1, count // 2])
        else:
            to_folder(data, kind, ["all.yaml"], [])
    (data / "actors" / "README.md").write_text("Actors, one file per month.\n", "utf-8")
    (data / "actors" / ".#later.yaml").write_text("- [unclosed\n", "utf-8")  # a lock file
    assert tables(project) == single
    run = run_cli(project, "check", "--strict")
    assert run.returncode == 0, run.stderr
    assert run.lines[-1].startswith("0 errors, 0 warnings")


def test_files_are_read_in_sorted_path_order(project: Path) -> None:
    data = project / "data"
    entries = entries_of(data / "actors.yaml")
    names = ["b2.yaml", "b/c.yml", "a.yaml", "b/a/d.yaml", "B.yaml"]
    spread = {name: entries[index::len(names)] for index, name in enumerate(names)}
    write_folder(data, "actors", spread)
    order = [entry.split("\n", 1)[0].removeprefix("- id: ")
             for name in sorted(names) for entry in spread[name]]
    assert order != [entry.split("\n", 1)[0].removeprefix("- id: ") for entry in entries]
    dataset, _ = load_dataset(data, project)
    assert list(dataset.actors) == order
    assert [path.relative_to(data).as_posix() for path in kind_files(data, "actors").paths] \
        == [f"actors/{name}" for name in ["B.yaml", "a.yaml", "b/a/d.yaml", "b/c.yml",
                                         "b2.yaml"]]


def test_an_empty_folder_is_an_empty_list(minimal: Path) -> None:
    (minimal / "data" / "updates.yaml").unlink()
    (minimal / "data" / "updates").mkdir()
    dataset, found = load_dataset(minimal / "data", minimal)
    assert found == [] and dataset.updates == {}


def test_a_duplicate_id_in_another_file_names_the_file_and_line(minimal: Path) -> None:
    data = minimal / "data"
    write_folder(data, "actors", {
        "a.yaml": entries_of(data / "actors.yaml"),
        "b.yaml": ["- id: putin\n  name: V. Putin\n  kind: person\n"]})
    assert only(minimal) == ("data/actors/b.yaml:2:7: error: duplicate id 'putin' in actors "
                             "(first at data/actors/a.yaml:2); ids must be unique")


def test_a_duplicate_id_in_the_same_file_of_a_folder_keeps_the_line(minimal: Path) -> None:
    data = minimal / "data"
    entries = entries_of(data / "actors.yaml")
    write_folder(data, "actors", {"a.yaml": entries,
                                  "b.yaml": ["- id: lavrov\n  name: Sergei Lavrov\n"
                                             "  kind: person\n"] * 2})
    found = messages(minimal)
    assert ("data/actors/b.yaml:6:7: error: duplicate id 'lavrov' in actors (first at line "
            "2); ids must be unique") in found


def test_a_second_position_in_another_file_names_the_file_and_line(minimal: Path) -> None:
    data = minimal / "data"
    first, second = entries_of(data / "positions.yaml")
    write_folder(data, "positions", {"a.yaml": [first, second],
                                     "b.yaml": [second.replace("supports", "opposes")]})
    assert only(minimal) == ("data/positions/b.yaml:3:10: error: second position of 'trump' "
                             "on 'ceasefire' (first at data/positions/a.yaml:9); merge them "
                             "into one")


def test_one_file_and_a_folder_of_the_same_kind_is_an_error(minimal: Path) -> None:
    data = minimal / "data"
    (data / "actors").mkdir()
    shutil.copy(data / "actors.yaml", data / "actors" / "more.yaml")
    assert only(minimal) == BOTH  # and nothing about the actors the other kinds name
    (data / "actors.yaml").unlink()
    assert messages(minimal) == []


def test_a_missing_kind_keeps_its_message(minimal: Path) -> None:
    (minimal / "data" / "actors.yaml").unlink()
    assert only(minimal) == ("data/actors.yaml:1:1: error: missing data file; create it "
                             "with a list of actors")


def test_an_error_in_a_folder_names_its_file(minimal: Path) -> None:
    data = minimal / "data"
    write_folder(data, "issues", {"a.yaml": entries_of(data / "issues.yaml"),
                                  "b/c.yml": ['- id: other\n  title: "Other\n  summary: x\n']})
    assert only(minimal) == ("data/issues/b/c.yml:3:10: error: YAML syntax error: this quoted "
                             "value is never closed; add the closing quote")


def test_the_size_limit_is_per_file_and_names_the_folder_form(minimal: Path) -> None:
    data = minimal / "data"
    issues = entries_of(data / "issues.yaml")
    (data / "issues.yaml").write_text("# padding\n" * 120_000, encoding="utf-8")
    assert only(minimal) == (
        "data/issues.yaml:1:1: error: file is 1,200,000 bytes, over the 1 MiB limit for one "
        "file; split the issues into a folder data/issues/ of several files, or remove "
        "unused entries")
    write_folder(data, "issues", {"a.yaml": issues, "b.yaml": ["# padding\n" * 120_000]})
    big = (data / "issues" / "b.yaml").stat().st_size
    assert only(minimal) == (
        f"data/issues/b.yaml:1:1: error: file is {big:,} bytes, over the 1 MiB limit for one "
        "file; split it into several files in data/issues/, or remove unused entries")
    # Many files under the limit hold what one file could not.
    write_folder(data, "issues", {"a.yaml": issues, "b.yaml": ["# padding\n" * 60_000],
                                  "c.yaml": ["# padding\n" * 60_000]})
    assert messages(minimal) == []


def test_what_a_folder_cannot_hold_is_one_line_each(minimal: Path) -> None:
    data = minimal / "data"
    write_folder(data, "actors", {"a.yaml": entries_of(data / "actors.yaml")})
    os.mkfifo(data / "actors" / "pipe.yaml")
    (data / "actors" / "gone.yaml").symlink_to(data / "actors" / "nowhere.yaml")
    (data / "actors" / "loop").symlink_to(data / "actors")
    assert messages(minimal) == [
        "data/actors/gone.yaml:1:1: error: dangling symbolic link; remove it or point it at a "
        "real file",
        "data/actors/loop:1:1: error: symbolic link loop (it leads back to a folder that "
        "contains it); remove the link",
        "data/actors/pipe.yaml:1:1: error: data/actors/pipe.yaml is a named pipe, not a "
        "regular file; replace it with a text file"]


def test_a_link_to_the_data_folder_is_one_loop_not_every_other_kind(minimal: Path) -> None:
    """A link up to data/ would otherwise read sources, issues... as actors."""
    data = minimal / "data"
    write_folder(data, "actors", {"a.yaml": entries_of(data / "actors.yaml")})
    (data / "actors" / "up").symlink_to(data)
    assert messages(minimal) == [
        "data/actors/up:1:1: error: symbolic link loop (it leads back to a folder that "
        "contains it); remove the link"]


# -- schemas and editors ------------------------------------------------------------------


@pytest.mark.parametrize("depth, path", [(0, "../schemas"), (1, "../../schemas"),
                                         (2, "../../../schemas")])
def test_the_schema_line_of_a_file_in_a_folder_reaches_the_schemas(depth: int,
                                                                   path: str) -> None:
    assert schema_comment("actors", depth) == (
        f"# yaml-language-server: $schema={path}/actors.schema.json\n")
    file = REPO / "data" / Path(*["actors"] * depth) / "a.yaml"
    target = schema_comment("actors", depth).split("$schema=")[1].strip()
    assert (file.parent / target).resolve() == REPO / "schemas" / "actors.schema.json"


def test_schemas_describe_both_forms() -> None:
    assert schema_for("actors")["description"] == (
        "data/actors.yaml, or each file of data/actors/: a list of actors")


def test_vs_code_gives_every_file_of_a_kind_its_schema() -> None:
    settings = json.loads((REPO / ".vscode" / "settings.json").read_text("utf-8"))
    # The YAML language server reads '*' as any characters, '/' included: nested folders.
    assert settings["yaml.schemas"] == {
        f"./schemas/{kind}.schema.json": [f"data/{kind}.yaml", f"data/{kind}/*.yaml",
                                          f"data/{kind}/*.yml"] for kind in KINDS}


# -- history and the gate -----------------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = copy_project(tmp_path / "project")
    (root / ".gitignore").write_text("site/\n.cache/\n")
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "First publication", FIRST)
    return root


def test_moving_facts_between_files_is_no_change_in_the_history(repo: Path) -> None:
    data = repo / "data"
    to_folder(data, "actors", ["a.yaml", "b/c.yml", "d.yaml"], [5, 11])
    to_folder(data, "questions", ["2025-08.yaml", "2025-09.yaml"], [3])
    commit_all(repo, "One file per month", SECOND)
    # A fact moved from one file of the folder to another, the rest reordered.
    questions = entries_of(data / "questions" / "2025-08.yaml")
    later = entries_of(data / "questions" / "2025-09.yaml")
    write_folder(data, "questions", {"2025-08.yaml": questions[1:][::-1],
                                     "2025-09.yaml": [*later, questions[0]]})
    commit_all(repo, "Moved", SECOND)
    history = load_history(repo, data, KINDS)
    assert history.available, history.reason
    assert {(c.action, c.day.isoformat()) for c in history.changes} == {("added", "2026-11-29")}
    # A real change in a folder's file is one, with its date.
    replace_in(data / "actors" / "a.yaml", "role: President of Russia",
               "role: President of the Russian Federation")
    commit_all(repo, "Putin's title", THIRD)
    history = load_history(repo, data, KINDS)
    later_changes = [c for c in history.changes if c.day.isoformat() != "2026-11-29"]
    assert [(c.kind, c.key, c.action, c.day.isoformat()) for c in later_changes] == [
        ("actors", "putin", "changed", "2026-12-03")]
    [field] = later_changes[0].fields
    assert (field.name, field.before, field.after) == (
        "role", "President of Russia", "President of the Russian Federation")
    # Uncommitted: the folder back into one file changes nothing either.
    shutil.rmtree(data / "actors")
    (data / "actors.yaml").write_text(
        schema_comment("actors") + "\n".join(
            entries_of(REPO / "data" / "actors.yaml")).replace(
            "role: President of Russia", "role: President of the Russian Federation"),
        encoding="utf-8")
    assert [c for c in load_history(repo, data, KINDS).changes if c.commit is None] == []


def test_a_commit_with_both_forms_waits_for_the_next_good_one(repo: Path) -> None:
    data = repo / "data"
    entries = entries_of(data / "actors.yaml")
    write_folder(data, "actors", {"all.yaml": entries})
    (data / "actors.yaml").write_text("".join(entries[:3]), encoding="utf-8")
    commit_all(repo, "Half-way", SECOND)
    (data / "actors.yaml").unlink()
    commit_all(repo, "Done", THIRD)
    history = load_history(repo, data, KINDS)
    assert {(c.action, c.day.isoformat()) for c in history.changes} == {("added", "2026-11-29")}


def test_the_gate_sees_through_a_move_into_a_folder(repo: Path) -> None:
    data = repo / "data"
    to_folder(data, "questions", ["a.yaml", "b.yaml"], [2])
    run = run_cli(repo, "check", "--since", "HEAD", "--strict")
    assert run.returncode == 0, run.stderr
    run = run_cli(repo, "changes")
    assert run.lines == ["0 changed facts since HEAD"], run.stderr
    path = data / "questions" / "b.yaml"
    replace_in(path, "meet?\n  status: open", "meet?\n  status: partly-answered")
    line = line_of(path, "status: partly-answered")
    run = run_cli(repo, "check", "--since", "HEAD")
    assert run.returncode == 1
    assert [line_ for line_ in run.lines if ": error: " in line_] == [
        f"data/questions/b.yaml:{line}:11: error: status of question 'trilateral-meeting' "
        "changed (open → partly-answered) with no entry in data/updates.yaml touching "
        "question:trilateral-meeting"]


def test_a_fact_removed_from_a_folder_is_named_at_its_file(repo: Path) -> None:
    data = repo / "data"
    to_folder(data, "events", ["a.yaml", "b.yaml"], [3])
    commit_all(repo, "Events by part", SECOND)
    entries = entries_of(data / "events" / "b.yaml")
    removed = entries[0].split("\n", 1)[0].removeprefix("- id: ")
    write_folder(data, "events", {"a.yaml": entries_of(data / "events" / "a.yaml"),
                                  "b.yaml": entries[1:]})
    run = run_cli(repo, "check", "--since", "HEAD")
    assert run.returncode == 1
    # (What refers to the event reports it too.)
    assert (f"data/events/b.yaml:1:1: error: event '{removed}' was removed with no entry in "
            f"data/updates.yaml touching event:{removed}") in run.lines


def test_the_draft_goes_to_the_last_file_of_the_updates_folder(repo: Path) -> None:
    data = repo / "data"
    write_folder(data, "updates", {"2026/11.yaml": entries_of(data / "updates.yaml")})
    commit_all(repo, "The change log as a folder", SECOND)
    replace_in(data / "actors.yaml", "role: President of Russia", "role: Former president")
    run = run_cli(repo, "check", "--since", "HEAD")
    assert run.returncode == 1
    assert "with no entry in data/updates/ touching actor:putin" in run.stderr
    run = run_cli(repo, "changes", "--draft")
    assert run.returncode == 0, run.stderr
    assert run.lines[0] == "appended to data/updates/2026/11.yaml (say what changed in its " \
                           "summary):"
    assert "touches: [actor:putin]" in (data / "updates" / "2026" / "11.yaml").read_text()
    run = run_cli(repo, "check", "--since", "HEAD")
    assert run.returncode == 0, run.stderr  # the TODO in the summary is a warning


def test_a_draft_into_an_empty_updates_folder_starts_a_file(repo: Path) -> None:
    data = repo / "data"
    (data / "updates.yaml").unlink()
    (data / "updates").mkdir()
    replace_in(data / "actors.yaml", "role: President of Russia", "role: Former president")
    run = run_cli(repo, "changes", "--draft")
    assert run.returncode == 0, run.stderr
    written = (data / "updates" / "updates.yaml").read_text(encoding="utf-8")
    assert written.startswith(schema_comment("updates", 1) + "- id: update-")
    assert "actor:putin" in written
    assert run_cli(repo, "check").returncode == 0


# -- the same site ------------------------------------------------------------------------


def generate(out: Path, *options: str) -> Path:
    """A 1,000-actor project from bench/generate.py, without the generator's marker (which
    records the options), so that two projects differ only in what is asked."""
    result = subprocess.run(
        [sys.executable, str(REPO / "bench" / "generate.py"), "--actors", "1000", "--out",
         str(out), *options], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert result.returncode == 0, result.stderr
    project = out / "actors-1000"
    (project / ".bench-generated").unlink()
    return project


def build(project: Path) -> float:
    started = time.perf_counter()
    run = run_cli(project, "build", timeout=600)
    elapsed = time.perf_counter() - started
    assert run.returncode == 0, run.stderr
    assert "dates fall back to as_of: no git history" in run.stderr  # neither has history
    return elapsed


def test_a_thousand_actors_split_into_folders_build_the_same_site(tmp_path: Path) -> None:
    single = generate(tmp_path / "single")
    split = generate(tmp_path / "split", "--split")
    # The projects differ in the data's layout alone.
    inputs = [hash_tree(project) for project in (single, split)]
    assert {path: digest for path, digest in inputs[0].items()
            if not path.startswith("data/")} == {
        path: digest for path, digest in inputs[1].items() if not path.startswith("data/")}
    assert sorted(path for path in inputs[0] if path.startswith("data/")) == [
        f"data/{kind}.yaml" for kind in sorted(KINDS)]
    assert sum(path.startswith("data/actors/copy-") for path in inputs[1]) == 59
    assert tables(single) == tables(split)
    timings = {"single": build(single), "split": build(split)}
    print(f"1,000 actors: build of one file per kind {timings['single']:.1f} s, "
          f"of a folder per kind {timings['split']:.1f} s")
    built = [hash_tree(project / "site") for project in (single, split)]
    assert len(built[0]) > 1000
    assert built[0] == built[1]
