"""Real-browser fixtures: build the site once, serve it locally, drive Chromium.

The site is built once per test session into a temporary folder (from a copy of the
project, so a concurrent edit of site/ never races with the tests) with SITE_URL set to
the local server, and served by a ThreadingHTTPServer on 127.0.0.1 that answers a
missing path with site/404.html and status 404, as a static host does.

One Chromium per session; each test opens its own context (fresh storage, cookies,
cache) and closes it. The browser is Debian's /usr/bin/chromium unless EXPLAINER_CHROMIUM
names another Chromium or Chrome (see explainer.testing). If it is missing, every test here
fails when CI is set (a CI run must not pass without its browser tests) and is skipped
otherwise, with the reason and the fix.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from explainer.localsite import build_site, serving, site_url
from explainer.testing import CHROMIUM_ARGS, chromium_path, in_ci, missing_browser
from tests.conftest import copy_project

CHROMIUM = chromium_path()
BROWSER_ARGS = [*CHROMIUM_ARGS, "--disable-quic"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}

# One page of every type: (test id, path below the site root).
PAGES: list[tuple[str, str]] = [
    ("overview", ""),
    ("section-setting-the-stage", "setting-the-stage/"),
    ("section-behind-closed-doors", "behind-closed-doors/"),
    ("section-press-conference", "press-conference/"),
    ("section-what-wasnt-said", "what-wasnt-said/"),
    ("section-kremlin-reaction", "kremlin-reaction/"),
    ("whos-who", "actors/"),
    ("actor-putin", "actors/putin/"),
    ("matrix", "issues/"),
    ("issue-ceasefire", "issues/ceasefire/"),
    ("open-questions", "questions/"),
    ("timeline", "timeline/"),
    ("sources", "sources/"),
    ("what-changed", "changes/"),
    ("data", "data/"),
    ("not-found-404", "no-such-page/"),
]
NOT_FOUND_PATH = "no-such-page/"


# --------------------------------------------------------------------------- server


@dataclass
class Site:
    root: Path  # the built site folder
    base_url: str  # http://127.0.0.1:PORT/

    def url(self, path: str = "") -> str:
        return self.base_url + path.lstrip("/")

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc


def _build(project: Path, site_dir: Path, base_url: str) -> None:
    """Build like an editor would (a separate process), with SITE_URL = the local server."""
    result = build_site(project, site_dir, base_url)
    if result.returncode != 0 or not (site_dir / "index.html").is_file():
        pytest.fail(f"site build failed ({result.returncode}):\n{result.stdout}\n{result.stderr}",
                    pytrace=False)


@pytest.fixture(scope="session", autouse=True)
def _require_chromium() -> None:
    problem = missing_browser()
    if problem is None:
        return
    if in_ci():
        pytest.fail(f"{problem} (CI is set, so a missing browser is a failure, not a skip)",
                    pytrace=False)
    pytest.skip(problem)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The site, built once per session and served on 127.0.0.1 at a free port."""
    work = tmp_path_factory.mktemp("browser-site")
    project = copy_project(work / "project")
    site_dir = work / "built" / "site"
    site_dir.parent.mkdir(parents=True)
    with serving(site_dir) as server:
        base_url = site_url(server)
        _build(project, site_dir, base_url)
        yield Site(site_dir, base_url)


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def browser(_require_chromium: None):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS,
                                              headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_context(browser) -> Iterator[Callable[..., Any]]:
    """Factory for browser contexts (light scheme, desktop size by default), closed after
    the test."""
    contexts = []

    def make(**options: Any):
        options.setdefault("viewport", DESKTOP)
        options.setdefault("color_scheme", "light")
        options.setdefault("reduced_motion", "reduce")
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def context(new_context):
    return new_context()


# --------------------------------------------------------------------------- watching


@dataclass
class PageWatch:
    """Everything a page logs or loads, recorded from the moment it is attached."""

    site: Site
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    bad_responses: list[tuple[int, str, str]] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def attach(self, page) -> PageWatch:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("requestfailed", lambda request: self.failed_requests.append(
            f"{request.method} {request.url}: {request.failure}"))
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("response", self._on_response)
        return self

    def _on_console(self, message) -> None:
        if message.type == "error":
            location = message.location or {}
            where = location.get("url", "")
            if where:
                where = f" (at {where}:{location.get('lineNumber', '?')})"
            self.console_errors.append(f"{message.text}{where}")

    def _on_response(self, response) -> None:
        if response.status >= 400:
            self.bad_responses.append(
                (response.status, response.url, response.request.resource_type))

    def errors(self, expected_404: str | None = None) -> list[str]:
        """Console errors, uncaught exceptions, failed requests and HTTP errors; the
        document at `expected_404` may answer 404 (the deliberate not-found page), and
        Chromium's own console line for that one response is not counted either."""
        problems = [f"console error: {text}" for text in self.console_errors
                    if not (expected_404 and _is_own_404_log(text, expected_404))]
        problems += [f"uncaught exception: {text}" for text in self.page_errors]
        problems += [f"request failed: {text}" for text in self.failed_requests]
        for status, url, kind in self.bad_responses:
            if expected_404 and status == 404 and url == expected_404 and kind == "document":
                continue
            problems.append(f"HTTP {status} for {kind} {url}")
        return problems

    def foreign_requests(self) -> list[str]:
        """Requests to anything but the local server (data: and blob: URLs are local)."""
        foreign = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob", "about"):
                continue
            if parts.scheme not in ("http", "https") or parts.netloc != self.site.host:
                foreign.append(url)
        return sorted(set(foreign))


def _is_own_404_log(text: str, url: str) -> bool:
    return ("status of 404" in text and url in text) or (
        text.startswith("Failed to load resource: the server responded with a status of 404")
        and url in text)


@pytest.fixture
def watch(site: Site) -> Callable[[Any], PageWatch]:
    return lambda page: PageWatch(site).attach(page)
