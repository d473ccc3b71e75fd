"""Build the real site once and read the HTML back, as a reader's browser would get it."""

from __future__ import annotations

import hashlib
import re
from collections import deque
from pathlib import Path

import pytest
import yaml

from explainer.references import find_references
from explainer.urls import anchor, page_heading_id

from .conftest import REPO, copy_project, line_of, replace_in, run_cli
from .sitehtml import ParsedPage, parse_site, resolve, unescape

SECTIONS = {
    "": "The Trump–Putin summit in Alaska",
    "setting-the-stage/": "Setting the stage",
    "behind-closed-doors/": "Behind closed doors",
    "press-conference/": "Press conference without closure",
    "what-wasnt-said/": "What wasn’t said",
    "kremlin-reaction/": "Positive remarks from the Kremlin",
}
BLOCK_CLASS = {"quote": "ex-quote", "stances": "ex-block--stances",
               "questions": "ex-block--questions", "events": "ex-block--events"}


def data(kind: str) -> list[dict]:
    return yaml.safe_load((REPO / "data" / f"{kind}.yaml").read_text(encoding="utf-8")) or []


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("site") / "project")
    run = run_cli(root, "build")
    assert run.returncode == 0, run.stderr
    assert "warning" not in run.stderr.lower(), run.stderr
    return root


@pytest.fixture(scope="module")
def site(built: Path) -> Path:
    return built / "site"


@pytest.fixture(scope="module")
def pages(site: Path) -> dict[str, ParsedPage]:
    return parse_site(site)


def test_every_actor_and_issue_has_a_page(pages) -> None:
    for actor in data("actors"):
        page = pages[f"actors/{actor['id']}/"]
        assert page_heading_id("actors", actor["id"]) in page.ids
        assert unescape(actor["name"]) in page.text
    for issue in data("issues"):
        page = pages[f"issues/{issue['id']}/"]
        assert issue["title"] in page.text


@pytest.mark.parametrize(("kind", "index"), [("questions", "questions/"),
                                             ("events", "timeline/"), ("sources", "sources/")])
def test_every_question_event_and_source_has_an_entry(pages, kind: str, index: str) -> None:
    page = pages[index]
    for entity in data(kind):
        assert anchor(kind, entity["id"]) in page.ids, f"{kind} {entity['id']} not on {index}"


def test_timeline_is_in_data_order_for_same_day_events(pages) -> None:
    ids = [i for i in _ordered_ids(pages["timeline/"]) if i.startswith("event-")]
    assert ids == [f"event-{e['id']}" for e in data("events")]


def _ordered_ids(page: ParsedPage) -> list[str]:
    return [attrs["id"] for _, attrs in page.tags if attrs.get("id")]


@pytest.mark.parametrize("url", list(SECTIONS))
def test_section_pages_carry_heading_and_blocks(pages, url: str) -> None:
    page = pages[url]
    h1 = [attrs for tag, attrs in page.tags if tag == "h1"]
    assert len(h1) == 1, f"{url}: expected one h1"
    assert SECTIONS[url] in page.text
    source = (REPO / "content" / (url.rstrip("/") or "index")).with_suffix(".md")
    refs = find_references(source.read_text(encoding="utf-8"))
    classes = [attrs.get("class", "") for _, attrs in page.tags]
    for kind, css in BLOCK_CLASS.items():
        expected = sum(1 for r in refs if r.kind == kind)
        found = sum(1 for c in classes if css in c.split())
        if kind == "quote":
            assert found >= expected, f"{url}: {expected} quote cards expected, found {found}"
        else:
            assert found == expected, f"{url}: {expected} {kind} blocks, found {found}"
    assert "[[" not in page.text, f"{url}: an unexpanded reference is left in the page"


def test_every_quote_is_verbatim_on_its_actor_page_with_a_source_link(pages) -> None:
    for quote in data("quotes"):
        page = pages[f"actors/{quote['actor']}/"]
        assert f"“{quote['text']}”" in page.text, f"quote {quote['id']} not verbatim"
        card = anchor("quotes", quote["id"])
        assert card in page.ids
        assert f"../../sources/#source-{quote['source']}" in page.links


def test_every_internal_link_and_anchor_resolves(pages) -> None:
    broken = []
    for page in pages.values():
        for href in page.links:
            target = resolve(page.url, href)
            if target is None:
                continue
            url, fragment = target
            if url not in pages and not (page.path.parent / href.split("#")[0]).exists():
                broken.append(f"{page.url or '/'} -> {href} (no page {url})")
            elif fragment and url in pages and fragment not in pages[url].ids:
                broken.append(f"{page.url or '/'} -> {href} (no id {fragment})")
    assert broken == []


def test_everything_is_two_clicks_from_the_overview(pages) -> None:
    depth = {"": 0}
    queue = deque([""])
    while queue:
        url = queue.popleft()
        if depth[url] == 2:
            continue
        for href in pages[url].links:
            target = resolve(url, href)
            if target and target[0] in pages and target[0] not in depth:
                depth[target[0]] = depth[url] + 1
                queue.append(target[0])
    wanted = ([f"actors/{a['id']}/" for a in data("actors")]
              + [f"issues/{i['id']}/" for i in data("issues")]
              + ["questions/", "timeline/", "sources/", "issues/"])
    assert [url for url in wanted if url not in depth] == []


def test_entity_pages_stay_out_of_the_navigation(pages) -> None:
    nav_links = [href for _, attrs in pages[""].tags
                 if (href := attrs.get("href")) and "md-nav__link" in attrs.get("class", "")]
    assert any(h == "actors/" for h in nav_links)
    assert not any(h.startswith("actors/") and h != "actors/" for h in nav_links)


def test_no_script_or_event_handler_comes_from_data(pages) -> None:
    # Data only ever lands inside the article; Material's own scripts sit outside it.
    for page in pages.values():
        assert page.event_attributes == [], f"{page.url}: {page.event_attributes}"
        raw = page.path.read_text(encoding="utf-8")
        start = raw.find('<article class="md-content__inner')
        if start == -1:
            continue
        article = raw[start: raw.index("</article>", start)]
        assert "<script" not in article.lower(), f"{page.url}: a script inside the article"
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", article), f"{page.url}: on* attribute"
        assert "javascript:" not in article.lower(), f"{page.url}: javascript: URL"


def test_no_request_to_a_third_party_host(site: Path) -> None:
    for path in site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for host in ("fonts.googleapis.com", "fonts.gstatic.com", "cdn.jsdelivr", "unpkg.com"):
            assert host not in text, f"{path}: requests {host}"


def test_unknown_id_in_markdown_fails_with_file_and_line(project: Path) -> None:
    page = project / "content" / "behind-closed-doors.md"
    replace_in(page, "[[actor:putin]]", "[[actor:putni]]")
    line = line_of(page, "[[actor:putni]]")
    column = page.read_text(encoding="utf-8").splitlines()[line - 1].index("[[actor:putni]]") + 1
    run = run_cli(project, "build")
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert (f"content/behind-closed-doors.md:{line}:{column}: error: unknown actor 'putni' "
            "(did you mean 'putin'?)") in run.lines
    check = run_cli(project, "check")
    assert check.returncode == 1
    assert check.lines[0].startswith(f"content/behind-closed-doors.md:{line}:{column}: error:")


def _tree_hash(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_failed_build_leaves_previous_site_untouched(project: Path) -> None:
    assert run_cli(project, "build").returncode == 0
    before = _tree_hash(project / "site")
    replace_in(project / "data" / "positions.yaml", "stance: supports", "stance: maybe")
    run = run_cli(project, "build")
    assert run.returncode == 1
    assert "is not one of" in run.stderr
    assert _tree_hash(project / "site") == before
    assert [p.name for p in project.iterdir() if p.name.startswith(".site-")] == []


def test_two_builds_are_byte_identical(built: Path, tmp_path: Path) -> None:
    other = copy_project(tmp_path / "again")
    assert run_cli(other, "build").returncode == 0
    assert _tree_hash(other / "site") == _tree_hash(built / "site")
