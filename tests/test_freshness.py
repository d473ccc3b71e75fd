"""A passed `review_by` date informs without blocking: a warning in `check` (an error with
--strict), a note under the build, and a "Due for review" list for readers."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from explainer.diagnostics import Diagnostic
from explainer.render.pages import generated_pages
from explainer.render.templates import Templates
from explainer.store import DueForReview, due_for_review, is_review_reminder, load_dataset

from .conftest import REPO, copy_project, line_of, replace_in, run_cli
from .sitehtml import parse_page

PAST = "2025-09-01"
AS_OF = '  as_of: "2026-11-29"\n'
MESSAGE = (f"issue 'ceasefire' was due for review on {PAST}; check it, then update 'as_of' "
           "and 'review_by'")


def with_past_review_date(root: Path) -> Path:
    """The first issue (ceasefire) gets a review date that has passed."""
    replace_in(root / "data" / "issues.yaml", AS_OF, f'{AS_OF}  review_by: "{PAST}"\n')
    return root


def where(root: Path) -> str:
    path = root / "data" / "issues.yaml"
    return f"data/issues.yaml:{line_of(path, 'review_by')}:14"


@pytest.fixture(scope="module")
def overdue(tmp_path_factory) -> Path:
    return with_past_review_date(copy_project(tmp_path_factory.mktemp("overdue") / "project"))


@pytest.fixture(scope="module")
def built(overdue: Path):
    return run_cli(overdue, "build")


def test_check_warns_and_passes(overdue: Path) -> None:
    run = run_cli(overdue, "check")
    assert run.returncode == 0, run.stderr
    assert f"{where(overdue)}: warning: {MESSAGE}" in run.lines
    assert run.lines[-1].startswith("0 errors, 1 warning")


def test_check_strict_fails(overdue: Path) -> None:
    run = run_cli(overdue, "check", "--strict")
    assert run.returncode == 1
    assert f"{where(overdue)}: error: {MESSAGE}" in run.lines


def test_build_passes_with_a_note(overdue: Path, built) -> None:
    assert built.returncode == 0, built.stderr
    assert f"{where(overdue)}: note: {MESSAGE}" in built.lines
    assert not [line for line in built.lines if ": warning: " in line or "error" in line]
    assert built.lines[-1].startswith("built ")


@pytest.mark.parametrize("url", ["sources/", "changes/"])
def test_readers_see_what_is_due_for_review(overdue: Path, built, url: str) -> None:
    assert built.returncode == 0, built.stderr
    site = overdue / "site"
    page = parse_page(site, site / url / "index.html")
    assert "due-for-review" in page.ids
    assert "Due for review" in page.text
    text = re.sub(r"\s+([,.])", r"\1", page.text)  # chunks are joined with spaces
    assert "Issue: Ceasefire in Ukraine, due 1 September 2025" in text
    assert "../issues/ceasefire/" in page.links
    html = (site / url / "index.html").read_text(encoding="utf-8")
    assert f'<time datetime="{PAST}">1 September 2025</time>' in html


def test_the_option_makes_review_dates_fail_the_build(tmp_path: Path) -> None:
    root = with_past_review_date(copy_project(tmp_path / "project"))
    replace_in(root / "mkdocs.yml", "  - explainer:\n",
               "  - explainer:\n      review_dates_block_build: true\n")
    run = run_cli(root, "build")
    assert run.returncode == 1
    assert run.lines[0] == f"{where(root)}: warning: {MESSAGE}"
    assert run.lines[-1].endswith("; site/ left unchanged")
    assert not (root / "site").exists()


def test_other_warnings_still_fail_the_build(tmp_path: Path) -> None:
    root = with_past_review_date(copy_project(tmp_path / "project"))
    replace_in(root / "data" / "issues.yaml", "  sources: [alaska-summit-article]\n", "")
    run = run_cli(root, "build")
    assert run.returncode == 1
    assert any(line.endswith("cites no source; add 'sources:' with at least one source id")
               for line in run.lines), run.stderr
    assert f"{where(root)}: warning: {MESSAGE}" not in run.lines


def test_no_list_when_nothing_is_due() -> None:
    dataset, _ = load_dataset(REPO / "data")
    assert due_for_review(dataset) == []
    templates = Templates(dataset, REPO / "overrides")
    pages = {page.url: page.markdown for page in generated_pages(templates)}
    assert "Due for review" not in pages["sources/"] + pages["changes/"]


def test_due_entries_longest_overdue_first() -> None:
    dataset, _ = load_dataset(REPO / "data")
    first_issue, second_issue = list(dataset.issues)[:2]
    actor = next(iter(dataset.actors))
    for table, entity_id, day in [(dataset.issues, first_issue, date(2025, 9, 1)),
                                  (dataset.issues, second_issue, date(2026, 12, 1)),
                                  (dataset.actors, actor, date(2025, 10, 1))]:
        table[entity_id] = table[entity_id].model_copy(update={"review_by": day})
    assert due_for_review(dataset, today=date(2026, 11, 29)) == [
        DueForReview("issues", first_issue, date(2025, 9, 1)),
        DueForReview("actors", actor, date(2025, 10, 1)),
    ]


def test_only_the_review_warning_is_a_reminder() -> None:
    def warning(message: str) -> Diagnostic:
        return Diagnostic("data/issues.yaml", 5, 14, "warning", message)

    assert is_review_reminder(warning(MESSAGE))
    assert not is_review_reminder(Diagnostic("data/issues.yaml", 5, 14, "error", MESSAGE))
    assert not is_review_reminder(warning("source 'x' is cited by nothing; cite it or "
                                          "remove it"))
    assert not is_review_reminder(warning(f"an issue note that says it {MESSAGE}"))
