"""Dates and the change log from git: a fact changed in a dated commit carries that date on
every page that shows it, in JSON-LD, the sitemap and the feed, with no `as_of` edited;
the change is shown as before → after; no git, or a shallow clone, falls back to `as_of`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from explainer.history import load_history
from explainer.kinds import KINDS

from .conftest import copy_project, replace_in, run_cli
from .hardening.support import hash_tree

FIRST = "2026-11-29T12:00:00+00:00"
SECOND = "2026-12-01T10:00:00+00:00"
UPDATE = """
- id: trilateral-partly-answered
  date: "2026-12-01"
  kind: update
  summary: The trilateral meeting is partly answered. Both sides named dates.
  touches: [question:trilateral-meeting]
"""


def git(root: Path, *args: str, when: str = FIRST) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Desk", "GIT_AUTHOR_EMAIL": "desk@example.org",
           "GIT_COMMITTER_NAME": "Desk", "GIT_COMMITTER_EMAIL": "desk@example.org",
           "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_CONFIG_GLOBAL": "/dev/null",
           "GIT_CONFIG_NOSYSTEM": "1"}
    result = subprocess.run(["git", "-C", str(root), *args], env=env, check=True,
                            capture_output=True, text=True)
    return result.stdout


def copy_repository(repo: Path, target: Path) -> None:
    """The scratch repository with its history, without its build output."""
    shutil.copytree(repo, target, ignore=shutil.ignore_patterns("site", ".cache"))


def shallow_clone(repo: Path, target: Path) -> None:
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(target)],
                   check=True, capture_output=True)


def commit_all(root: Path, message: str, when: str) -> None:
    git(root, "add", "-A", when=when)
    git(root, "commit", "-q", "-m", message, when=when)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("history") / "project")
    (root / ".gitignore").write_text("site/\n.cache/\n")
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "First publication", FIRST)
    questions = root / "data" / "questions.yaml"
    before = questions.read_text(encoding="utf-8")
    replace_in(questions, "- id: trilateral-meeting\n  question: Will Trump, Putin and Zelenskyy "
               "meet?\n  status: open", "- id: trilateral-meeting\n  question: Will Trump, Putin "
               "and Zelenskyy meet?\n  status: partly-answered")
    assert "as_of" in before and before.count("as_of") == questions.read_text().count("as_of")
    with (root / "data" / "updates.yaml").open("a", encoding="utf-8") as log:
        log.write(UPDATE)
    commit_all(root, "Trilateral meeting partly answered", SECOND)
    return root


@pytest.fixture(scope="module")
def site(repo: Path) -> Path:
    run = run_cli(repo, "build")
    assert run.returncode == 0, run.stderr
    assert "dates fall back" not in run.stderr, run.stderr
    return repo / "site"


def _html(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def _dateline(html: str) -> dict[str, str]:
    line = re.search(r'<p class="ex-updated">(.*?)</p>', html)
    assert line, "no dateline"
    return dict(re.findall(r'(Published|Updated) <time datetime="([0-9-]+)"', line.group(1)))


def _json_ld(html: str) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found
    return json.loads(found.group(1))["@graph"][0]


def test_the_history_knows_when_and_what(repo: Path) -> None:
    history = load_history(repo, repo / "data", KINDS)
    assert history.available, history.reason
    changes = history.of("questions", "trilateral-meeting")
    assert [(c.action, c.day.isoformat()) for c in changes] == [
        ("added", "2026-11-29"), ("changed", "2026-12-01")]
    [field] = changes[1].fields
    assert (field.name, field.before, field.after) == ("status", "open", "partly-answered")
    assert history.modified("questions", "trilateral-meeting").isoformat() == "2026-12-01"
    assert history.modified("events", "arrival").isoformat() == "2026-11-29"


@pytest.mark.parametrize("url", ["questions/", "issues/trilateral-meeting/", "actors/trump/"])
def test_pages_that_show_the_fact_carry_the_commit_date(site: Path, url: str) -> None:
    html = _html(site, url)
    assert _dateline(html).get("Updated") == "2026-12-01", url
    article = _json_ld(html)
    assert article["dateModified"] == "2026-12-01"
    assert article["datePublished"] == "2026-11-29"


def test_pages_that_do_not_show_it_keep_their_date(site: Path) -> None:
    html = _html(site, "timeline/")
    assert _dateline(html) == {"Published": "2026-11-29"}
    assert _json_ld(html)["dateModified"] == "2026-11-29"


def test_sitemap_dates_differ_by_page(site: Path) -> None:
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    root = ET.parse(site / "sitemap.xml").getroot()
    lastmod = {u.findtext(f"{namespace}loc").split("/alaska-summit/")[-1]:
               u.findtext(f"{namespace}lastmod") for u in root.findall(f"{namespace}url")}
    assert lastmod["questions/"] == "2026-12-01"
    assert lastmod["timeline/"] == "2026-11-29"


def test_the_change_log_and_the_card_show_before_and_after(site: Path) -> None:
    changes = _html(site, "changes/")
    entry = changes[changes.index('id="update-trilateral-partly-answered"'):]
    entry = entry[: entry.index("</article>")]
    assert "status <del>Open</del> → <ins>Partly answered</ins>" in entry
    assert "Will Trump, Putin and Zelenskyy meet?</a>" in entry
    assert "first published" not in entry  # that belongs to the first publication
    card = _html(site, "questions/")
    card = card[card.index('id="question-trilateral-meeting"'):]
    card = card[: card.index("</article>")]
    assert "History of this entry" in card
    assert "1 December 2026</time>: status <del>Open</del> → <ins>Partly answered</ins>" in card


def test_the_feed_has_real_titles_and_the_differences(site: Path) -> None:
    atom = "{http://www.w3.org/2005/Atom}"
    root = ET.parse(site / "changes" / "feed.xml").getroot()
    assert root.findtext(f"{atom}updated") == "2026-12-01T10:00:00Z"
    newest = root.findall(f"{atom}entry")[0]
    assert newest.findtext(f"{atom}title") == "The trilateral meeting is partly answered."
    assert "status <del>Open</del> → <ins>Partly answered</ins>" in newest.findtext(
        f"{atom}content")


def test_open_data_carries_the_dates_and_the_history(site: Path) -> None:
    questions = json.loads((site / "data" / "questions.json").read_text())
    question = next(q for q in questions if q["id"] == "trilateral-meeting")
    assert (question["published"], question["modified"]) == ("2026-11-29", "2026-12-01")
    history = json.loads((site / "data" / "history.json").read_text())
    entry = next(c for c in history if c["id"] == "trilateral-meeting"
                 and c["action"] == "changed")
    assert entry["fields"] == [{"field": "status", "before": "open",
                                "after": "partly-answered", "substantive": True}]


def test_two_builds_of_one_commit_are_identical(repo: Path, site: Path, tmp_path: Path) -> None:
    shutil.rmtree(repo / ".cache", ignore_errors=True)  # a cold cache gives the same site
    run = run_cli(repo, "build", "--site-dir", str(tmp_path / "again"))
    assert run.returncode == 0, run.stderr
    assert hash_tree(tmp_path / "again") == hash_tree(site)


def test_uncommitted_edits_count_as_now_in_check_and_preview(repo: Path) -> None:
    history = load_history(repo, repo / "data", KINDS)
    assert not [c for c in history.changes if c.commit is None]
    events = repo / "data" / "events.yaml"
    original = events.read_text(encoding="utf-8")
    replace_in(events, "  place: Alaska\n", "  place: Anchorage, Alaska\n")
    try:
        history = load_history(repo, repo / "data", KINDS)
        [pending] = [c for c in history.changes if c.commit is None]
        assert (pending.kind, pending.fields[0].name) == ("events", "place")
        assert (pending.fields[0].before, pending.fields[0].after) == ("Alaska",
                                                                       "Anchorage, Alaska")
    finally:
        events.write_text(original, encoding="utf-8")


def test_no_git_falls_back_to_as_of_with_one_line(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    run = run_cli(root, "build")
    assert run.returncode == 0, run.stderr
    notes = [line for line in run.lines if "dates fall back to as_of" in line]
    assert len(notes) == 1 and notes[0].startswith("note: dates fall back to as_of: no git"), \
        run.stderr
    assert "Traceback" not in run.stderr


def test_a_shallow_clone_falls_back_with_one_line(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    shallow_clone(repo, clone)
    run = run_cli(clone, "build")
    assert run.returncode == 0, run.stderr
    assert "note: dates fall back to as_of: this is a shallow clone" in run.stderr
    assert "Traceback" not in run.stderr


def test_numbers_signs_and_verbatim_quotes_are_substance() -> None:
    from explainer.history import FieldChange

    assert FieldChange("summary", "$1.5 million", "$15 million").substantive
    assert FieldChange("summary", "-5 C", "+5 C").substantive
    assert FieldChange("start", "2025-08-15T11:00-08:00", "2025-08-15T11:00+08:00").substantive
    assert FieldChange("text", "Zelenskyy.", "Zelenskyy?").substantive
    assert not FieldChange("summary", "Hello, world", "hello world!").substantive
    assert not FieldChange("text", "a  b", "a b").substantive


def test_a_project_in_a_subfolder_of_a_repository_has_its_history(tmp_path: Path) -> None:
    top = tmp_path / "newsroom"
    project = copy_project(top / "stories" / "alaska")
    git(top, "init", "-q", "-b", "main")
    commit_all(top, "First", FIRST)
    replace_in(project / "data" / "events.yaml", "  place: Alaska\n", "  place: Anchorage\n")
    commit_all(top, "Second", SECOND)
    history = load_history(project, project / "data", KINDS)
    assert history.available, history.reason
    assert all(c.commit for c in history.changes)
    assert history.modified("events", "fox-news-interview").isoformat() == "2026-12-01"


def test_two_entries_in_one_commit_each_list_their_changes(repo: Path, tmp_path: Path) -> None:
    from explainer.changelog import update_changes
    from explainer.store import load_dataset

    root = tmp_path / "two"
    copy_repository(repo, root)
    replace_in(root / "data" / "events.yaml", "  place: Alaska\n", "  place: Anchorage\n")
    replace_in(root / "data" / "actors.yaml", "role: President of Russia",
               "role: President of the Russian Federation")
    with (root / "data" / "updates.yaml").open("a", encoding="utf-8") as log:
        log.write('\n- id: a-place\n  date: "2026-12-02"\n  kind: update\n'
                  "  summary: The interview's place.\n  touches: [event:fox-news-interview]\n"
                  '\n- id: b-role\n  date: "2026-12-02"\n  kind: update\n'
                  "  summary: Putin's title.\n  touches: [actor:putin]\n")
    commit_all(root, "Two entries", "2026-12-02T09:00:00+00:00")
    dataset, _ = load_dataset(root / "data", root)
    listed = update_changes(dataset, load_history(root, root / "data", KINDS))
    assert [(c.kind, c.key) for c in listed["a-place"]] == [("events", "fox-news-interview")]
    assert [(c.kind, c.key) for c in listed["b-role"]] == [("actors", "putin")]


def test_a_logged_removal_builds_with_and_without_history(repo: Path, tmp_path: Path) -> None:
    root = tmp_path / "removal"
    copy_repository(repo, root)
    text = (root / "data" / "positions.yaml").read_text(encoding="utf-8")
    start = text.index("- actor: un-secretary-general\n")
    end = text.index("\n- ", start + 1) + 1
    (root / "data" / "positions.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    with (root / "data" / "updates.yaml").open("a", encoding="utf-8") as log:
        log.write('\n- id: withdrawn\n  date: "2026-12-02"\n  kind: update\n'
                  "  summary: A stance withdrawn.\n"
                  "  touches: [position:un-secretary-general--ceasefire]\n")
    commit_all(root, "Withdraw", "2026-12-02T09:00:00+00:00")
    run = run_cli(root, "build")
    assert run.returncode == 0, run.stderr
    changes = (root / "site" / "changes" / "index.html").read_text(encoding="utf-8")
    # A fact no longer on the site is named by its id, as plain text.
    assert "Changed: un-secretary-general--ceasefire.</p>" in changes
    shallow = tmp_path / "shallow"
    shallow_clone(root, shallow)
    run = run_cli(shallow, "build")
    assert run.returncode == 0, run.stderr
    assert "no git history to tell whether a removed fact or a typo" in run.stderr


def test_with_history_a_touch_of_a_fact_that_never_was_is_an_error(repo: Path,
                                                                    tmp_path: Path) -> None:
    root = tmp_path / "typo"
    copy_repository(repo, root)
    replace_in(root / "data" / "updates.yaml", "touches: [question:trilateral-meeting]",
               "touches: [question:trilateral-meting]")
    run = run_cli(root, "check")
    assert run.returncode == 1, run.stderr
    assert "error: unknown question 'trilateral-meting' (did you mean " in run.stderr
