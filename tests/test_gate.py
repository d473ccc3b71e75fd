"""No silent edits: `check --since REV` fails on a published fact that changed without an
entry in data/updates.yaml, and `changes --draft` writes that entry. Each test works in
a git repository of its own holding a copy of the bundled project."""

from __future__ import annotations

import os
import subprocess
from datetime import date
from pathlib import Path

import pytest

from .conftest import copy_project, replace_in, run_cli

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Editor", "GIT_AUTHOR_EMAIL": "editor@example.org",
    "GIT_COMMITTER_NAME": "Editor", "GIT_COMMITTER_EMAIL": "editor@example.org",
    "GIT_AUTHOR_DATE": "2026-11-29T12:00:00+00:00",
    "GIT_COMMITTER_DATE": "2026-11-29T12:00:00+00:00",
    # So that no setting of this machine (signing, hooks, default branch) applies.
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
}
STATUS_MESSAGE = ("status of question 'trilateral-meeting' changed (open → partly-answered) "
                  "with no entry in data/updates.yaml touching question:trilateral-meeting")


def git(root: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                            check=True, env={"PATH": os.environ["PATH"], **GIT_ENV})
    return result.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The bundled project, committed as the one commit of a new repository."""
    root = copy_project(tmp_path / "project")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-verify", "-m", "Publish")
    return root


def field_position(path: Path, entity_line: str, field: str) -> tuple[int, int]:
    """Line and column of a field's value in the entry that starts with `entity_line`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index(entity_line)
    for number, line in enumerate(lines[start + 1:], start + 2):
        if line.startswith(f"  {field}:"):
            return number, len(f"  {field}: ") + 1
    raise AssertionError(f"no {field} after {entity_line!r} in {path}")


def open_the_trilateral_question(root: Path) -> Path:
    path = root / "data" / "questions.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("- id: trilateral-meeting")
    at = text.index("  status: open", start)
    path.write_text(text[:at] + "  status: partly-answered" + text[at + len("  status: open"):],
                    encoding="utf-8")
    return path


def remove_entry(path: Path, first_line: str) -> None:
    text = path.read_text(encoding="utf-8")
    start = text.index(first_line)
    end = text.find("\n- ", start + 1)
    path.write_text(text[:start] + (text[end + 1:] if end != -1 else ""), encoding="utf-8")


def errors(run) -> list[str]:
    return [line for line in run.lines if ": error: " in line or line.startswith("::error")]


# -- check --since ------------------------------------------------------------------------


def test_a_status_change_without_an_entry_fails_at_the_field(repo: Path) -> None:
    path = open_the_trilateral_question(repo)
    line, column = field_position(path, "- id: trilateral-meeting", "status")
    run = run_cli(repo, "check", "--since", "HEAD")
    assert run.returncode == 1, run.stderr
    assert errors(run) == [f"data/questions.yaml:{line}:{column}: error: {STATUS_MESSAGE}"]
    assert run.lines[-1].startswith("1 error, 0 warnings")


def test_without_since_check_ignores_the_history(repo: Path) -> None:
    open_the_trilateral_question(repo)
    run = run_cli(repo, "check")
    assert run.returncode == 0, run.stderr
    assert errors(run) == []


def test_github_format_annotates_the_changed_field(repo: Path) -> None:
    path = open_the_trilateral_question(repo)
    line, column = field_position(path, "- id: trilateral-meeting", "status")
    run = run_cli(repo, "check", "--since", "HEAD", "--format", "github")
    assert run.returncode == 1, run.stderr
    assert errors(run) == [
        f"::error file=data/questions.yaml,line={line},col={column}::{STATUS_MESSAGE}"]


def test_edits_that_change_no_fact_need_no_entry(repo: Path) -> None:
    questions = repo / "data" / "questions.yaml"
    # Wording only: punctuation and case.
    replace_in(questions, "question: Will Trump, Putin and Zelenskyy meet?",
               "question: will Trump, Putin, and Zelenskyy meet")
    replace_in(questions, 'as_of: "2026-11-29"', 'as_of: "2026-11-30"')  # bookkeeping
    with (repo / "data" / "sources.yaml").open("a", encoding="utf-8") as sources:
        sources.write("\n- id: new-source\n  title: A source published later\n")  # new fact
    run = run_cli(repo, "check", "--since", "HEAD")
    assert run.returncode == 0, run.stderr
    assert errors(run) == []


def test_an_entry_new_since_the_revision_covers_the_change(repo: Path) -> None:
    positions = repo / "data" / "positions.yaml"
    text = positions.read_text(encoding="utf-8")
    start = text.index("- actor: putin\n  issue: ceasefire\n")
    positions.write_text(text[:start] + text[start:].replace("stance: unclear",
                                                             "stance: opposes", 1),
                         encoding="utf-8")
    assert run_cli(repo, "check", "--since", "HEAD").returncode == 1
    with (repo / "data" / "updates.yaml").open("a", encoding="utf-8") as updates:
        updates.write("\n- id: putin-ceasefire\n  date: \"2026-11-30\"\n  kind: update\n"
                      "  summary: Putin now opposes a ceasefire.\n"
                      "  touches: [position:putin--ceasefire]\n")
    run = run_cli(repo, "check", "--since", "HEAD", "--strict")
    assert run.returncode == 0, run.stderr


def test_an_entry_published_before_the_revision_does_not_cover_a_new_change(
        repo: Path) -> None:
    # The first publication's entry touches this source; it says nothing about this edit.
    sources = repo / "data" / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("  title: "))
    replace_in(sources, title, "  title: Another title altogether")
    run = run_cli(repo, "check", "--since", "HEAD")
    assert run.returncode == 1
    assert [line.split(": error: ")[1] for line in errors(run)] == [
        f"title of source 'alaska-summit-article' changed ({title[len('  title: '):]} → "
        "Another title altogether) with no entry in data/updates.yaml touching "
        "source:alaska-summit-article"]


def test_a_removed_fact_is_caught(repo: Path) -> None:
    remove_entry(repo / "data" / "events.yaml", "- id: limousine-ride")
    run = run_cli(repo, "check", "--since", "HEAD")
    assert run.returncode == 1
    assert ("data/events.yaml:1:1: error: event 'limousine-ride' was removed with no entry "
            "in data/updates.yaml touching event:limousine-ride") in run.lines


def test_the_revision_is_compared_not_only_the_last_commit(repo: Path) -> None:
    first = git(repo, "rev-parse", "HEAD").strip()
    open_the_trilateral_question(repo)
    git(repo, "commit", "-q", "--no-verify", "-am", "A silent edit")
    assert run_cli(repo, "check", "--since", "HEAD").returncode == 0
    run = run_cli(repo, "check", "--since", first)
    assert run.returncode == 1
    assert [line.split(": error: ")[1] for line in errors(run)] == [STATUS_MESSAGE]


@pytest.mark.parametrize("command", ["check", "changes"])
def test_an_unknown_revision_is_one_line(repo: Path, command: str) -> None:
    run = run_cli(repo, command, "--since", "no-such-branch")
    assert run.returncode == 2
    assert run.lines == ["error: --since no-such-branch: unknown revision, or not a commit"]
    assert run.stdout == ""


def test_an_option_is_not_taken_for_a_revision(repo: Path) -> None:
    run = run_cli(repo, "check", "--since=--output=x")
    assert run.returncode == 2
    assert run.lines == ["error: --since --output=x: not a revision"]
    assert not (repo / "x").exists()


def test_no_repository_is_one_line(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    run = run_cli(root, "check", "--since", "HEAD")
    assert run.returncode == 2
    assert len(run.lines) == 1
    assert run.lines[0].startswith("error: --since HEAD: not a git repository")


# -- changes --draft ------------------------------------------------------------------------


def test_the_draft_entry_makes_the_gate_pass(repo: Path) -> None:
    open_the_trilateral_question(repo)
    updates = repo / "data" / "updates.yaml"
    before = updates.read_text(encoding="utf-8")
    run = run_cli(repo, "changes", "--draft")
    assert run.returncode == 0, run.stderr
    after = updates.read_text(encoding="utf-8")
    assert after.startswith(before)  # what the editor wrote is kept as it was
    added = after[len(before):]
    assert f"- id: update-{date.today().isoformat()}\n" in added
    assert "  touches: [question:trilateral-meeting]\n" in added
    assert "  kind: update" in added
    assert added.strip() in run.stderr  # and says what it wrote
    run = run_cli(repo, "check", "--since", "HEAD")
    assert run.returncode == 0, run.stderr
    assert errors(run) == []
    # The placeholder summary is a warning, so the strict build refuses to publish it...
    strict = run_cli(repo, "check", "--since", "HEAD", "--strict")
    assert strict.returncode == 1
    assert any("summary still says TODO" in line for line in errors(strict)), strict.stderr
    # ...until the editor says what changed.
    replace_in(updates, 'summary: "TODO: say what changed"',
               "summary: The trilateral meeting is partly answered.")
    assert run_cli(repo, "check", "--since", "HEAD", "--strict").returncode == 0


def test_a_second_draft_writes_nothing(repo: Path) -> None:
    open_the_trilateral_question(repo)
    assert run_cli(repo, "changes", "--draft").returncode == 0
    updates = repo / "data" / "updates.yaml"
    written = updates.read_bytes()
    run = run_cli(repo, "changes", "--draft")
    assert run.returncode == 0
    assert "nothing written" in run.stderr
    assert updates.read_bytes() == written


def test_nothing_changed_writes_nothing(repo: Path) -> None:
    updates = repo / "data" / "updates.yaml"
    before = updates.read_bytes()
    run = run_cli(repo, "changes", "--draft", "--since", "HEAD")
    assert run.returncode == 0, run.stderr
    assert "nothing written" in run.stderr
    assert updates.read_bytes() == before


def test_the_draft_takes_a_free_id_and_a_line_of_its_own(repo: Path) -> None:
    today = date.today().isoformat()
    updates = repo / "data" / "updates.yaml"
    with updates.open("a", encoding="utf-8") as handle:  # no line break at the end
        handle.write(f"- id: update-{today}\n  date: \"{today}\"\n  kind: update\n"
                     "  summary: An earlier change today.\n  touches: [actor:putin]")
    git(repo, "commit", "-q", "--no-verify", "-am", "Log an update")
    open_the_trilateral_question(repo)
    run = run_cli(repo, "changes", "--draft")
    assert run.returncode == 0, run.stderr
    text = updates.read_text(encoding="utf-8")
    assert f"touches: [actor:putin]\n\n- id: update-{today}-2\n" in text
    assert run_cli(repo, "check", "--since", "HEAD").returncode == 0


def test_the_listing_says_what_needs_an_entry(repo: Path) -> None:
    open_the_trilateral_question(repo)
    replace_in(repo / "data" / "questions.yaml", "Will Trump, Putin and Zelenskyy meet?",
               "Will Trump, Putin, and Zelenskyy meet?")
    run = run_cli(repo, "changes")
    assert run.returncode == 0, run.stderr
    assert run.lines == [
        "changed question:trilateral-meeting: "
        "question Will Trump, Putin and Zelenskyy meet? → Will Trump, Putin, and Zelenskyy "
        "meet? (wording only); status open → partly-answered (needs an entry)",
        "1 changed fact since HEAD"]


def test_a_removal_can_be_logged_and_then_passes_every_check(repo: Path) -> None:
    remove_entry(repo / "data" / "events.yaml", "- id: limousine-ride")
    content = repo / "content"
    for page in content.glob("*.md"):  # the sections may no longer show the removed event
        page.write_text(page.read_text(encoding="utf-8").replace("limousine-ride,", "")
                        .replace(",limousine-ride", ""), encoding="utf-8")
    draft = run_cli(repo, "changes", "--draft")
    assert draft.returncode == 0, draft.stderr
    assert "event:limousine-ride" in (repo / "data" / "updates.yaml").read_text()
    # The entry touches a fact that no longer exists: known from the history, not a typo.
    for args in (("check", "--since", "HEAD"), ("check",)):
        run = run_cli(repo, *args)
        assert run.returncode == 0, run.stderr
        assert errors(run) == []


def test_published_entries_of_the_change_log_stay(repo: Path) -> None:
    updates = repo / "data" / "updates.yaml"
    replace_in(updates, "summary: First publication of this explainer",
               "summary: Second thoughts on this explainer")
    run = run_cli(repo, "check", "--since", "HEAD")
    assert run.returncode == 1, run.stderr
    line, column = field_position(updates, "- id: first-publication", "summary")
    assert errors(run) == [
        f"data/updates.yaml:{line}:{column}: error: summary of published entry "
        "'first-publication' changed; entries stay as readers saw them: add a new entry "
        "(a correction says what was wrong)"]
    remove_entry(updates, "- id: first-publication")
    run = run_cli(repo, "check", "--since", "HEAD")
    assert "entry 'first-publication' of data/updates.yaml was removed; published entries " \
        "stay: add a correction instead" in run.stderr


def test_a_typo_fix_in_a_published_entry_passes(repo: Path) -> None:
    replace_in(repo / "data" / "updates.yaml", "built from the source article.",
               "built from the source article")
    run = run_cli(repo, "check", "--since", "HEAD")
    assert run.returncode == 0, run.stderr
