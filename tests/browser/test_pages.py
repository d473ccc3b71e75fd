"""One page of every type, in a real browser, on a desktop and on a 375 px phone.

Each page is loaded once per viewport (in its own context) and everything the tests
below assert on is recorded during that one visit: console errors, failed requests,
every requested URL, where the first Tab lands, axe-core's WCAG A/AA violations and the
page's width against the viewport.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from .conftest import DESKTOP, NOT_FOUND_PATH, PAGES, PHONE, PageWatch, Site
from .support import (
    ACTIVE_ELEMENT_JS,
    LOAD_STATE,
    OVERFLOW_JS,
    focus_problem,
    format_violations,
    run_axe,
)


def fail(message: str) -> None:
    pytest.fail(message, pytrace=False)

VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}


@dataclass
class Visit:
    url: str
    status: int | None
    errors: list[str]
    foreign: list[str]
    first_tab: dict[str, Any] | None
    skip_target_exists: bool | None
    overflow: dict[str, Any]
    violations: list[dict[str, Any]] = field(default_factory=list)


class Visits:
    """Loads each (viewport, page) once, on first use, in a fresh context.

    Pages are opened a batch at a time so that their loads (and Playwright's half-second
    wait for a quiet network) overlap; each is then examined on its own."""

    BATCH = 6

    def __init__(self, browser, site: Site) -> None:
        self.browser = browser
        self.site = site
        self.cache: dict[tuple[str, str], Visit | str] = {}

    def get(self, viewport: str, path: str) -> Visit:
        key = (viewport, path)
        if key not in self.cache:
            pending = [p for _, p in PAGES if (viewport, p) not in self.cache]
            start = pending.index(path)
            self._visit_batch(viewport, pending[start:start + self.BATCH])
        visit = self.cache[key]
        if isinstance(visit, str):
            fail(f"{self.site.url(path)} ({viewport}) could not be visited: {visit}")
        return visit

    def _visit_batch(self, viewport: str, paths: list[str]) -> None:
        opened = []
        try:
            for path in paths:
                context = self.browser.new_context(
                    viewport=VIEWPORTS[viewport], color_scheme="light", reduced_motion="reduce")
                # Generous: six pages load at once, and a busy machine slows them all.
                context.set_default_timeout(60_000)
                page = context.new_page()
                watch = PageWatch(self.site).attach(page)
                opened.append((path, context, page, watch))
                try:
                    response = page.goto(self.site.url(path), wait_until="commit")
                except Exception as exc:  # remembered, so the other tests fail fast
                    self.cache[(viewport, path)] = f"{type(exc).__name__}: {exc}"
                    continue
                self.cache[(viewport, path)] = response  # replaced by the Visit below
            for path, _context, page, watch in opened:
                key = (viewport, path)
                if isinstance(self.cache[key], str):
                    continue
                try:
                    self.cache[key] = self._examine(viewport, path, page, watch, self.cache[key])
                except Exception as exc:
                    self.cache[key] = f"{type(exc).__name__}: {exc}"
        finally:
            for _path, context, _page, _watch in opened:
                context.close()

    def _examine(self, viewport: str, path: str, page, watch: PageWatch, response) -> Visit:
        url = self.site.url(path)
        page.wait_for_load_state(LOAD_STATE)
        overflow = page.evaluate(OVERFLOW_JS)
        page.bring_to_front()
        page.keyboard.press("Tab")
        first_tab = page.evaluate(ACTIVE_ELEMENT_JS)
        skip_target = None
        if first_tab and (first_tab["href"] or "").startswith(url + "#"):
            fragment = first_tab["href"].split("#", 1)[1]
            skip_target = page.evaluate(
                "id => document.getElementById(decodeURIComponent(id)) !== null", fragment)
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        violations = run_axe(page) if (viewport, path) in AXE_VISITS else []
        expected_404 = url if path == NOT_FOUND_PATH else None
        return Visit(url=url, status=response.status if response else None,
                     errors=watch.errors(expected_404), foreign=watch.foreign_requests(),
                     first_tab=first_tab, skip_target_exists=skip_target,
                     overflow=overflow, violations=violations)


@pytest.fixture(scope="session")
def visits(browser, site) -> Visits:
    return Visits(browser, site)


PAGE_PARAMS = [pytest.param(path, id=name) for name, path in PAGES]
# Every page on the desktop, and every page on the phone as well.
VIEW_PARAMS = [pytest.param(viewport, path, id=f"{viewport}-{name}")
               for viewport in VIEWPORTS for name, path in PAGES]
# axe-core (the slowest step, 1-2 s a page) runs on every page on the desktop and on the
# home page on the phone, whose layout (drawer, no sidebars) the other pages share.
AXE_VISITS = {("desktop", path) for _, path in PAGES} | {("phone", "")}
AXE_PARAMS = [param for param in VIEW_PARAMS if tuple(param.values) in AXE_VISITS]


@pytest.mark.parametrize(("viewport", "path"), VIEW_PARAMS)
def test_page_loads_with_the_right_status(visits: Visits, viewport: str, path: str) -> None:
    visit = visits.get(viewport, path)
    expected = 404 if path == NOT_FOUND_PATH else 200
    if visit.status != expected:
        fail(f"{visit.url} ({viewport}) answered HTTP {visit.status}, expected {expected}")


@pytest.mark.parametrize(("viewport", "path"), VIEW_PARAMS)
def test_no_console_error_or_failed_request(visits: Visits, viewport: str, path: str) -> None:
    visit = visits.get(viewport, path)
    if visit.errors:
        fail(f"{visit.url} ({viewport}): {len(visit.errors)} problem(s) while loading:\n"
             + "\n".join(f"- {problem}" for problem in visit.errors))


@pytest.mark.parametrize(("viewport", "path"), VIEW_PARAMS)
def test_no_request_leaves_the_local_server(visits: Visits, viewport: str, path: str) -> None:
    visit = visits.get(viewport, path)
    if visit.foreign:
        fail(f"{visit.url} ({viewport}) requested {len(visit.foreign)} URL(s) outside the "
             "local server:\n" + "\n".join(f"- {url}" for url in visit.foreign))


@pytest.mark.parametrize(("viewport", "path"), AXE_PARAMS)
def test_axe_finds_no_wcag_violation(visits: Visits, viewport: str, path: str) -> None:
    visit = visits.get(viewport, path)
    if visit.violations:
        fail(f"({viewport}) " + format_violations(visit.url, visit.violations))


@pytest.mark.parametrize("path", PAGE_PARAMS)
def test_no_horizontal_scroll_on_a_phone(visits: Visits, path: str) -> None:
    visit = visits.get("phone", path)
    overflow = visit.overflow
    if overflow["scrollWidth"] > overflow["innerWidth"]:
        fail(f"{visit.url} scrolls sideways on a {PHONE['width']} px phone: the page is "
             f"{overflow['scrollWidth']} px wide for a {overflow['innerWidth']} px viewport; "
             "elements sticking out:\n" + "\n".join(f"- {line}" for line in overflow["wide"]))


@pytest.mark.parametrize(("viewport", "path"), VIEW_PARAMS)
def test_first_tab_reaches_the_skip_link(visits: Visits, viewport: str, path: str) -> None:
    visit = visits.get(viewport, path)
    focused = visit.first_tab
    where = f"{visit.url} ({viewport})"
    if focused is None:
        fail(f"{where}: the first Tab focused nothing on the page (no skip link)")
    if focused["text"].lower() != "skip to content":
        fail(f"{where}: the first Tab focused {focused['selector']} ({focused['text']!r}), "
             "not a 'Skip to content' link")
    if not visit.skip_target_exists:
        fail(f"{where}: the skip link points to {focused['href']}, but no element on the "
             "page has that id")
    if not focused["inViewport"]:
        fail(f"{where}: the focused skip link stays off-screen (box {focused['box']})")
    problem = focus_problem(focused)
    if problem:
        fail(f"{where}: {problem}")
