"""What a reader does: search, switch to dark mode, follow references, read without JS."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from .conftest import DESKTOP, PHONE, Site
from .support import LOAD_STATE, follow, open_page, sitemap_read

DATA = Path(__file__).resolve().parents[2] / "data"


def fail(message: str) -> None:
    pytest.fail(message, pytrace=False)


def heading_text(locator) -> str:
    """A heading's words without its permalink (the pilcrow of a.headerlink)."""
    return locator.evaluate("""h => { const copy = h.cloneNode(true);
        copy.querySelectorAll('.headerlink').forEach(a => a.remove());
        return copy.textContent.replace(/\\s+/g, ' ').trim(); }""")


def _question_id(issue: str) -> str:
    """The id of the open question filed under `issue` (data/questions.yaml)."""
    questions = yaml.safe_load((DATA / "questions.yaml").read_text(encoding="utf-8"))
    for question in questions:
        if question["id"] == issue or issue in question.get("issues", []):
            return question["id"]
    raise AssertionError(f"data/questions.yaml has no question about {issue!r}")


def _actor_name(actor: str) -> str:
    actors = yaml.safe_load((DATA / "actors.yaml").read_text(encoding="utf-8"))
    return next(entry["name"] for entry in actors if entry["id"] == actor)


@pytest.mark.parametrize("viewport", [pytest.param(DESKTOP, id="desktop"),
                                      pytest.param(PHONE, id="phone")])
def test_search_finds_the_issue_and_its_open_question(new_context, site: Site,
                                                      viewport: dict) -> None:
    page = new_context(viewport=viewport).new_page()
    open_page(page, site.url())
    # On a phone the header's magnifier opens search; on a desktop the box is in the
    # header already (its magnifier sits under the input) and a reader clicks into it.
    opener = page.locator('label.md-header__button[for="__search"]')
    if opener.is_visible():
        opener.click()
    else:
        page.locator("input.md-search__input").click()
    box = page.locator("input.md-search__input")
    box.wait_for(state="visible")
    box.press_sequentially("ceasefire", delay=20)

    issue_href = "issues/ceasefire/"
    question_href = f"questions/#question-{_question_id('ceasefire')}"
    links_js = ("() => [...document.querySelectorAll('.md-search-result a.md-search-result__link')]"
                ".map(a => a.getAttribute('href'))")
    try:
        page.wait_for_function(
            "() => document.querySelectorAll('.md-search-result__item').length > 0",
            timeout=10_000)
    except Exception:
        meta = page.locator(".md-search-result__meta").inner_text()
        fail(f"{site.url()}: searching for 'ceasefire' showed no result (search says {meta!r})")
    hrefs = page.evaluate(links_js)
    relative = [(urlsplit(h).path.removeprefix(urlsplit(site.base_url).path) or "./")
                + (f"#{urlsplit(h).fragment}" if urlsplit(h).fragment else "")
                if h.startswith("http") else h.lstrip("./") for h in hrefs]
    missing = []
    if not any(h == issue_href or h.startswith(issue_href + "#") for h in relative):
        missing.append(f"the ceasefire issue page ({issue_href})")
    if question_href not in relative:
        missing.append(f"its open question ({question_href})")
    if missing:
        fail(f"{site.url()}: searching for 'ceasefire' did not offer "
             + " nor ".join(missing) + "; results were:\n"
             + "\n".join(f"- {h}" for h in relative))


@pytest.mark.parametrize("viewport", [pytest.param(DESKTOP, id="desktop"),
                                      pytest.param(PHONE, id="phone")])
@pytest.mark.parametrize("opened_by", ["pointer", "keyboard"])
def test_search_index_is_fetched_only_when_a_reader_opens_search(
        new_context, site: Site, viewport: dict, opened_by: str) -> None:
    """The index is the largest download after Material's script; most readers never
    search. Nothing fetches it while a reader reads and follows links; opening search
    (a click or tap, or the '/' shortcut) fetches it, and the results come."""
    page = new_context(viewport=viewport).new_page()
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(urlsplit(request.url).path))
    open_page(page, site.url())
    follow(page, page.locator("article a.ex-ref--actor").first, site.url())
    page.wait_for_timeout(500)
    index = "/search/search_index.json"
    if index in fetched:
        fail(f"{page.url}: {index} was fetched before the reader opened search")
    if opened_by == "keyboard":
        page.keyboard.press("/")
    elif page.locator('label.md-header__button[for="__search"]').is_visible():
        page.locator('label.md-header__button[for="__search"]').click()
    else:
        page.locator("input.md-search__input").click()
    box = page.locator("input.md-search__input")
    box.wait_for(state="visible")
    box.press_sequentially("putin", delay=20)
    try:
        page.wait_for_function(
            "() => document.querySelectorAll('.md-search-result__item').length > 0",
            timeout=10_000)
    except Exception:
        fail(f"{page.url}: search opened by {opened_by} showed no result for 'putin'")
    assert fetched.count(index) == 1, fetched


@pytest.mark.parametrize("shown_by", ["pointer", "touch", "keyboard"])
def test_sitemap_is_fetched_only_once_a_reader_interacts(new_context, site: Site,
                                                        shown_by: str) -> None:
    """Instant navigation reads the sitemap to tell the site's own pages; a reader who
    reads and leaves never needs it. A page that is only looked at does not fetch it; the
    first move, touch or key press does, and the link followed after it is swapped in
    without loading the page."""
    touch = shown_by == "touch"
    page = new_context(viewport=PHONE if touch else DESKTOP, has_touch=touch).new_page()
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(urlsplit(request.url).path))
    open_page(page, site.url())
    page.wait_for_timeout(500)
    sitemap = urlsplit(site.url("sitemap.xml")).path
    if sitemap in fetched:
        fail(f"{site.url()}: {sitemap} was fetched before the reader did anything")
    link = page.locator("article a.ex-ref--actor").first
    href = link.evaluate("a => a.href")
    if shown_by == "pointer":
        page.mouse.move(40, 300)
    elif shown_by == "touch":
        page.locator(".ex-standfirst").first.tap(position={"x": 2, "y": 2})
    else:
        page.keyboard.press("Shift")
    sitemap_read(page)
    page.evaluate("() => { window.__sameDocument = true; }")
    if touch:
        link.tap()
    else:
        link.click()
    page.wait_for_url(href)
    page.locator("article h1").first.wait_for()
    if not page.evaluate("() => window.__sameDocument === true"):
        fail(f"{site.url()}: after the sitemap came, following a link loaded the page "
             "instead of swapping it in")
    assert fetched.count(sitemap) == 1, fetched


@pytest.mark.parametrize("followed_by", ["tap", "key"])
def test_a_link_followed_before_the_sitemap_came_loads_its_page_once(
        new_context, site: Site, followed_by: str) -> None:
    """The reader's first gesture is following a link (a tap on "Next", or the `n` key):
    the sitemap is asked for at that moment and comes while the next page is still on its
    way. That page is loaded once, the ordinary way, and Back returns to where the reader
    was: instant navigation must not replay the click once the sitemap is in."""
    touch = followed_by == "tap"
    page = new_context(viewport=PHONE if touch else DESKTOP, has_touch=touch).new_page()
    start, target = site.url(), site.url("setting-the-stage/")
    asked: list[str] = []

    def slowly(route) -> None:
        asked.append(route.request.url)
        time.sleep(1.5)  # the page takes longer than the sitemap
        route.continue_()

    open_page(page, start)
    page.route(target, slowly)
    link = page.locator("a.md-footer__link--next")
    assert link.evaluate("a => a.href") == target
    if touch:
        link.tap()
    else:
        page.keyboard.press("n")
    page.wait_for_url(target)
    page.locator("article h1").first.wait_for()
    page.wait_for_timeout(2_000)  # time for a replayed click to ask again
    if len(asked) != 1:
        fail(f"{start}: following the link to {target} as the first gesture asked for "
             f"it {len(asked)} times")
    page.go_back(wait_until=LOAD_STATE)
    if page.url != start:
        fail(f"{target}: one Back went to {page.url}, not {start}")


def test_dark_mode_survives_a_reload(context, site: Site) -> None:
    page = context.new_page()
    page.goto(site.url(), wait_until=LOAD_STATE)
    scheme = "document.body.getAttribute('data-md-color-scheme')"
    assert page.evaluate(scheme) == "default", (
        f"{site.url()}: a reader whose system is light starts in scheme "
        f"{page.evaluate(scheme)!r}, not 'default'")
    toggle = page.locator('form[data-md-component="palette"] label:visible')
    if toggle.count() != 1:
        fail(f"{site.url()}: expected one visible palette toggle, found {toggle.count()}")
    toggle.click()
    try:
        page.wait_for_function(f"{scheme} === 'slate'", timeout=5_000)
    except Exception:
        fail(f"{site.url()}: clicking the palette toggle left the page in scheme "
             f"{page.evaluate(scheme)!r}, not 'slate' (dark)")
    page.reload(wait_until=LOAD_STATE)
    if page.evaluate(scheme) != "slate":
        fail(f"{site.url()}: after a reload the dark scheme was lost "
             f"(scheme {page.evaluate(scheme)!r})")
    page.goto(site.url("timeline/"), wait_until=LOAD_STATE)
    if page.evaluate(scheme) != "slate":
        fail(f"{site.url('timeline/')}: the dark scheme chosen on the overview was not kept "
             f"on another page (scheme {page.evaluate(scheme)!r})")


def test_actor_reference_leads_to_the_actor_and_its_source(context, site: Site) -> None:
    page = context.new_page()
    page.goto(site.url(), wait_until=LOAD_STATE)
    reference = page.locator("article a.ex-ref--actor").first
    if reference.count() == 0:
        fail(f"{site.url()}: the overview has no actor reference (a.ex-ref--actor)")
    name = reference.inner_text().strip()
    target = reference.evaluate("a => a.href")
    follow(page, reference, site.url())
    heading = heading_text(page.locator("article h1").first)
    if heading != name:
        fail(f"{target}: reached from the overview's link {name!r}, but the page's heading "
             f"is {heading!r}")

    source = page.locator("article a.ex-source-link").first
    if source.count() == 0:
        fail(f"{target}: the actor page has no source link (a.ex-source-link)")
    href = source.evaluate("a => a.href")
    parts = urlsplit(href)
    if not (href.startswith(site.url("sources/")) and parts.path.endswith("/sources/")
            and parts.fragment.startswith("source-")):
        fail(f"{target}: the source link {href} does not point to an entry of the sources "
             f"page ({site.url('sources/')}#source-...)")
    follow(page, source, target)
    entry = page.locator(f'[id="{parts.fragment}"]')
    if entry.count() != 1:
        fail(f"{href}: followed from {target}, but the sources page has "
             f"{entry.count()} element(s) with id {parts.fragment!r}")
    if not entry.is_visible():
        fail(f"{href}: the source entry #{parts.fragment} is not visible")


NO_JS_PAGES = [
    pytest.param("", id="overview"),
    pytest.param("actors/putin/", id="actor-putin"),
    pytest.param("issues/", id="matrix"),
]


@pytest.mark.parametrize("path", NO_JS_PAGES)
def test_content_without_javascript(new_context, site: Site, path: str) -> None:
    page = new_context(java_script_enabled=False).new_page()
    url = site.url(path)
    response = page.goto(url, wait_until="load")
    assert response and response.ok, f"{url}: HTTP {response.status if response else None}"
    article = page.locator("article.md-content__inner")
    if not article.is_visible():
        fail(f"{url}: with JavaScript off the article is not visible")
    text = article.inner_text()
    if len(text) < 300:
        fail(f"{url}: with JavaScript off the article shows only {len(text)} characters: "
             f"{text[:200]!r}")
    heading = page.locator("article h1").first
    if not heading.is_visible() or not heading_text(heading):
        fail(f"{url}: with JavaScript off there is no visible page heading")
    if path == "actors/putin/":
        name = _actor_name("putin")
        if heading_text(heading) != name:
            fail(f"{url}: with JavaScript off the heading is {heading_text(heading)!r}, "
                 f"not the actor's name {name!r}")
    if path == "issues/":
        table = page.locator("article table.ex-matrix")
        if table.count() != 1 or not table.is_visible():
            fail(f"{url}: with JavaScript off the stance matrix (table.ex-matrix) is not shown")
        rows = table.locator("tbody tr")
        cells = table.locator("tbody a.ex-cell")
        if rows.count() == 0 or cells.count() == 0:
            fail(f"{url}: with JavaScript off the matrix has {rows.count()} row(s) and "
                 f"{cells.count()} stance link(s)")
        if not rows.first.is_visible() or not cells.first.is_visible():
            fail(f"{url}: with JavaScript off the matrix rows are hidden")


def test_the_phone_header_shows_the_whole_title_inside_the_bar(new_context, site: Site) -> None:
    """On a phone the site's name wraps onto two lines, centred in the bar, not cut at
    its top edge."""
    page = new_context(viewport=PHONE).new_page()
    open_page(page, site.url())
    bar, title = page.evaluate("""() => {
        const box = e => { const r = e.getBoundingClientRect(); return [r.top, r.bottom]; };
        return [box(document.querySelector('.md-header')),
                box(document.querySelector('.md-header__topic .md-ellipsis'))]; }""")
    assert title[0] >= bar[0] + 3 and title[1] <= bar[1] - 3, (bar, title)
    top_gap, bottom_gap = title[0] - bar[0], bar[1] - title[1]
    assert abs(top_gap - bottom_gap) <= 3, (bar, title)
