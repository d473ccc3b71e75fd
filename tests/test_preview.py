"""The preview's partial rebuilds: after a data edit only the pages that read a changed
fact are rendered again, and the site served is byte for byte what a full build of the
same inputs writes (the search index aside: MkDocs builds it once per full build)."""

from __future__ import annotations

from pathlib import Path

import pytest

from explainer import localsite
from explainer.site_build import make_preview
from tests.conftest import REPO

URL = "http://127.0.0.1:8000/"
NOT_COMPARED = {"search/search_index.json"}


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), "utf-8")


def _files(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes()
            for path in sorted(site.rglob("*")) if path.is_file()
            and path.relative_to(site).as_posix() not in NOT_COMPARED
            and path.name != ".explainer-site"}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return localsite.copy_project(REPO, tmp_path / "project")


def test_data_edits_render_only_their_pages_and_match_a_full_build(project: Path,
                                                                   tmp_path: Path) -> None:
    served = tmp_path / "served"
    served.mkdir()
    preview = make_preview(project, served, URL)
    first = preview.update()
    assert first.kind == "full"
    data = project / "data"
    edits = [
        (data / "actors.yaml", "role: Secretary of State", "role: US Secretary of State"),
        (data / "quotes.yaml", "context: ", "context: In Anchorage, "),
        (data / "issues.yaml", "summary: ", "summary: Still open. "),
        (data / "positions.yaml", "stance: supports", "stance: conditional"),
        (data / "events.yaml", "title: ", "title: Then, "),
        (data / "questions.yaml", "status: open", "status: partly-answered"),
    ]
    for path, old, new in edits:
        _replace(path, old, new)
        outcome = preview.update()
        assert outcome.kind == "partial", (path.name, outcome)
        assert 0 < outcome.pages < first.pages, (path.name, outcome)
    assert preview.update().kind == "unchanged"

    fresh = tmp_path / "fresh"
    fresh.mkdir()
    assert make_preview(project, fresh, URL).update().kind == "full"
    partial, full = _files(served), _files(fresh)
    assert sorted(partial) == sorted(full)
    assert [name for name in full if partial[name] != full[name]] == []
    # Pages went to the folder served, not to the staging folder it was built in.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh", "project", "served"]


def test_edits_that_change_the_shape_of_the_site_build_it_all(project: Path,
                                                              tmp_path: Path) -> None:
    served = tmp_path / "served"
    served.mkdir()
    preview = make_preview(project, served, URL)
    preview.update()
    events = project / "data" / "events.yaml"
    events.write_text(events.read_text("utf-8") + (
        "\n- id: test-event\n  start: \"2025-08-16\"\n  title: A test event\n"
        "  summary: Added by the test.\n  place: Anchorage\n  actors: [trump]\n"
        "  sources: [alaska-summit-article]\n"), "utf-8")
    assert preview.update().kind == "full"  # a new fact: lists and counts change
    assert "A test event" in (served / "timeline" / "index.html").read_text()
    section = project / "content" / "setting-the-stage.md"
    section.write_text(section.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    assert preview.update().kind == "full"  # a section: content is not facts
    assert "One more line." in (served / "setting-the-stage" / "index.html").read_text()


def test_bad_data_keeps_the_last_good_preview(project: Path, tmp_path: Path) -> None:
    from explainer.diagnostics import ExplainerError

    served = tmp_path / "served"
    served.mkdir()
    preview = make_preview(project, served, URL)
    preview.update()
    page = served / "actors" / "rubio" / "index.html"
    before = page.read_bytes()
    actors = project / "data" / "actors.yaml"
    _replace(actors, "kind: person", "kind: persona")
    with pytest.raises(ExplainerError) as stopped:
        preview.update()
    assert "is not one of" in str(stopped.value)
    assert page.read_bytes() == before
    _replace(actors, "kind: persona", "kind: person")
    _replace(actors, "role: Secretary of State", "role: Top Diplomat")
    assert preview.update().kind == "partial"
    assert "Top Diplomat" in page.read_text()


def test_the_build_after_a_failed_one_says_why_it_is_full(project: Path, tmp_path: Path) -> None:
    served = tmp_path / "served"
    served.mkdir()
    preview = make_preview(project, served, URL)
    preview.update()
    section = project / "content" / "setting-the-stage.md"
    _replace(section, "[[actor:putin]]", "[[actor:puttin]]")  # a full build, which fails
    with pytest.raises(Exception, match="1 error"):  # printed as the build prints it
        preview.update()
    _replace(section, "[[actor:puttin]]", "[[actor:putin]]")
    outcome = preview.update()
    assert (outcome.kind, outcome.why) == (
        "full", "the last build had stopped; content/setting-the-stage.md changed")


def test_a_partial_refresh_leaves_the_search_index_alone(project: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from material.plugins.search.plugin import SearchIndex

    indexed: list[str] = []
    add_entry = SearchIndex.add_entry_from_context

    def counting(self: SearchIndex, page: object) -> None:
        indexed.append(getattr(page, "url", ""))
        add_entry(self, page)

    monkeypatch.setattr(SearchIndex, "add_entry_from_context", counting)
    served = tmp_path / "served"
    served.mkdir()
    preview = make_preview(project, served, URL)
    first = preview.update()
    assert len(indexed) == first.pages  # a full build indexes every page
    _replace(project / "data" / "actors.yaml", "role: Secretary of State",
             "role: Top Diplomat")
    assert preview.update().kind == "partial"
    assert "Top Diplomat" in (served / "actors" / "rubio" / "index.html").read_text()
    assert len(indexed) == first.pages  # the pages were rendered, not indexed again
    _replace(project / "content" / "setting-the-stage.md", "\n\n", "\n\nOne more line.\n\n")
    assert preview.update().kind == "full"
    assert len(indexed) == 2 * first.pages


def test_reads_are_seen_only_while_a_page_records_them(project: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The hook that records reads costs a call on every attribute access, so it is on the
    entity class only while a page renders: loading, checks and the open-data export,
    which read every fact, run without it."""
    from explainer.models import Entity
    from explainer.plugin import build as plugin_build

    hooked: list[bool] = []
    export_files = plugin_build.export_files

    def exporting(*args: object, **kwargs: object) -> object:
        hooked.append("__getattribute__" in Entity.__dict__)
        return export_files(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(plugin_build, "export_files", exporting)
    served = tmp_path / "served"
    served.mkdir()
    preview = make_preview(project, served, URL)
    preview.update()
    _replace(project / "data" / "actors.yaml", "role: Secretary of State",
             "role: Top Diplomat")
    outcome = preview.update()
    assert outcome.kind == "partial" and 0 < outcome.pages < 10  # reads were recorded
    assert "Top Diplomat" in (served / "actors" / "rubio" / "index.html").read_text()
    assert hooked == [False, False]
    assert "__getattribute__" not in Entity.__dict__
