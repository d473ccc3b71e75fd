"""New since your last visit: a reader who comes back sees which facts changed.

A scratch copy of the project becomes a git repository: a first commit, built and
visited, then a later commit that changes the status of one open question, built again.
Both builds are served in turn from one server (one origin), so what the browser stored
while reading the first is there when it reads the second, as for a reader coming back
after the site was updated.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from explainer.localsite import SiteHandler, serving, site_url
from explainer.models import QUESTION_STATUSES
from tests.conftest import copy_project

from .conftest import DESKTOP, PHONE, PageWatch, Site, _build
from .support import LOAD_STATE, OVERFLOW_JS, follow, format_violations, run_axe

QUESTION = "trilateral-meeting"
FACT = f"questions:{QUESTION}"
PAGE = "questions/"  # shows every open question, this one among them
FIRST_DATE = "2026-11-29T10:00:00+00:00"
SECOND_DATE = "2026-12-01T10:00:00+00:00"

FLAGGED = ".ex-fact--changed"
FLAG = ".ex-changed-flag"
NOTE = ".ex-since-visit"
SCRIPT = "new-since-visit.js"


def fail(message: str) -> None:
    pytest.fail(message, pytrace=False)


# --------------------------------------------------------------------------- two builds


class _FreshHandler(SiteHandler):
    """The site's files, never cached: one URL serves the first build, then the second."""

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


@dataclass
class TwoBuilds:
    site: Site  # served from `live`, a symlink to one of the builds
    live: Path
    builds: dict[str, Path]  # "first", "second" -> built site folder
    first_status: str
    second_status: str

    def show(self, name: str) -> None:
        """Serve build `name` from now on (atomically: no request sees half of each)."""
        swap = self.live.with_name(self.live.name + ".new")
        swap.unlink(missing_ok=True)
        swap.symlink_to(self.builds[name], target_is_directory=True)
        os.replace(swap, self.live)


def _git(project: Path, *args: str, when: str = FIRST_DATE) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(project), "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "Explainer desk", "GIT_AUTHOR_EMAIL": "desk@example.org",
           "GIT_COMMITTER_NAME": "Explainer desk", "GIT_COMMITTER_EMAIL": "desk@example.org",
           "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    result = subprocess.run(["git", "-C", str(project), *args], capture_output=True,
                            text=True, timeout=60, env=env)
    if result.returncode != 0:
        fail(f"git {' '.join(args)} failed:\n{result.stderr}")


def _change_status(project: Path) -> tuple[str, str]:
    """Give the question another status in data/questions.yaml and file an update for it;
    returns the status before and after."""
    path = project / "data" / "questions.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index(f"- id: {QUESTION}\n")
    end = text.find("\n- id: ", start + 1)
    found = re.compile(r"^  status: (\S+)$", re.MULTILINE).search(text, start,
                                                                   end if end > 0 else len(text))
    assert found, f"data/questions.yaml: question {QUESTION!r} has no status line"
    before = found.group(1)
    after = next(status for status in QUESTION_STATUSES if status != before)
    path.write_text(text[:found.start(1)] + after + text[found.end(1):], encoding="utf-8")
    label = QUESTION_STATUSES[after].lower()
    with (project / "data" / "updates.yaml").open("a", encoding="utf-8") as updates:
        updates.write(f"\n- id: {QUESTION}-status\n  date: \"{SECOND_DATE[:10]}\"\n"
                      f"  kind: update\n  summary: The question is now {label}.\n"
                      f"  touches: [question:{QUESTION}]\n")
    return before, after


@pytest.fixture(scope="module")
def summit(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwoBuilds]:
    work = tmp_path_factory.mktemp("new-since-visit")
    project = copy_project(work / "project")
    (project / ".gitignore").write_text(".cache/\n", encoding="utf-8")
    live = work / "live"
    builds = {name: work / name / "site" for name in ("first", "second")}
    with serving(live, _FreshHandler) as server:
        base_url = site_url(server)
        _git(project, "init", "-q", "-b", "main")
        _git(project, "add", "-A")
        _git(project, "commit", "-q", "-m", "First publication")
        builds["first"].parent.mkdir()
        _build(project, builds["first"], base_url)
        before, after = _change_status(project)
        _git(project, "commit", "-q", "-a", "-m", f"{QUESTION}: {after}", when=SECOND_DATE)
        builds["second"].parent.mkdir()
        _build(project, builds["second"], base_url)
        summit = TwoBuilds(Site(live, base_url), live, builds, before, after)
        summit.show("first")
        yield summit


# --------------------------------------------------------------------------- helpers


def visit(context, url: str, watch: PageWatch | None = None):
    """A new tab on `url`, once the page is loaded and quiet (the script has run). A new
    tab is a new visit: its session storage starts empty."""
    page = context.new_page()
    if watch is not None:
        watch.attach(page)
    response = page.goto(url, wait_until=LOAD_STATE)
    assert response and response.ok, f"{url}: HTTP {response.status if response else None}"
    return page


def flagged_facts(page) -> list[str]:
    return page.locator(FLAGGED).evaluate_all(
        "els => [...new Set(els.map(el => el.getAttribute('data-fact')))].sort()")


def assert_nothing_marked(page, where: str) -> None:
    facts, flags, notes = flagged_facts(page), page.locator(FLAG).count(), page.locator(
        NOTE).count()
    if facts or flags or notes:
        fail(f"{where}: expected no marker and no note, found {flags} flag(s) on {facts} "
             f"and {notes} note(s): {page.locator(NOTE).all_inner_texts()}")


def changed_value(page, where: str) -> str:
    """The question's data-changed on this page; fails when the build gave it none."""
    found = page.locator(f'[data-fact="{FACT}"]')
    values = found.evaluate_all("els => els.map(el => el.getAttribute('data-changed'))")
    if not values or not all(values):
        fail(f"{where}: the question {QUESTION!r} carries no data-changed "
             f"({len(values)} element(s) with data-fact={FACT!r}, values {values}): the build "
             "did not date its facts from the git history")
    return values[0]


def assert_question_marked(page, where: str) -> None:
    facts = flagged_facts(page)
    if facts != [FACT]:
        fail(f"{where}: expected only {FACT} to be marked as changed, marked: {facts}")
    card = page.locator(f'[data-fact="{FACT}"]').first
    flag = card.locator(FLAG)
    if flag.count() != 1 or not flag.is_visible():
        fail(f"{where}: the changed question shows {flag.count()} visible 'Changed' flag(s)")
    text = " ".join(flag.text_content().split())
    if not text.lower().startswith("changed"):
        fail(f"{where}: the flag says {text!r}; it should say 'Changed' in words")
    if page.locator(FLAG).count() != page.locator(FLAGGED).count():
        fail(f"{where}: {page.locator(FLAG).count()} flag(s) for "
             f"{page.locator(FLAGGED).count()} changed element(s)")


def assert_note(page, site: Site, where: str, count: int = 1) -> None:
    note = page.locator(NOTE)
    if note.count() != 1 or not note.is_visible():
        fail(f"{where}: expected one visible note about changes, found {note.count()}")
    text = " ".join(note.inner_text().split())
    expected = f"{count} fact{'s' if count != 1 else ''} on this page changed since your last visit"
    if not text.startswith(expected):
        fail(f"{where}: the note says {text!r}, expected it to start with {expected!r}")
    link = note.locator("a")
    if link.count() != 1 or link.evaluate("a => a.href") != site.url("changes/"):
        hrefs = link.evaluate_all("links => links.map(a => a.href)")
        fail(f"{where}: the note should link to What changed ({site.url('changes/')}), "
             f"links to {hrefs}")
    heading = page.locator("article h1").first
    if not heading.evaluate("(h, note) => h.nextElementSibling === note",
                            note.element_handle()):
        fail(f"{where}: the note is not right under the page title")


# --------------------------------------------------------------------------- tests


def test_a_first_visit_marks_nothing(new_context, summit: TwoBuilds) -> None:
    summit.show("second")
    page = visit(new_context(), summit.site.url(PAGE))
    where = f"{summit.site.url(PAGE)} (first visit)"
    assert_nothing_marked(page, where)
    stored = page.evaluate("() => Object.keys(localStorage).map(k => localStorage.getItem(k))")
    if page.locator("[data-fact][data-changed]").count() and not any(
            FACT in value for value in stored):
        fail(f"{where}: the facts seen were not recorded in localStorage ({stored})")
    cookies = page.context.cookies()
    if cookies:
        fail(f"{where}: the page set cookies: {cookies}")


def test_a_fact_changed_since_the_last_visit_is_marked(new_context, summit: TwoBuilds) -> None:
    site, url = summit.site, summit.site.url(PAGE)
    context = new_context()
    summit.show("first")
    page = visit(context, url)
    assert_nothing_marked(page, f"{url} (first visit, first build)")
    seen_then = changed_value(page, f"{url} (first build)")
    page.close()

    summit.show("second")
    watch = PageWatch(site)
    page = visit(context, url, watch)
    where = (f"{url} (next visit, after the question's status went from "
             f"{summit.first_status!r} to {summit.second_status!r})")
    if changed_value(page, where) == seen_then:
        fail(f"{where}: the question's data-changed is still {seen_then!r}: the second "
             "commit did not count as a change")
    assert_question_marked(page, where)
    assert_note(page, site, where)

    page.reload(wait_until=LOAD_STATE)
    assert_question_marked(page, f"{where}, reloaded")
    assert_note(page, site, f"{where}, reloaded")

    # Within the visit, pages shown by instant navigation (no reload) are marked too.
    page.evaluate("() => { window.__sameDocument = true; }")
    follow(page, page.locator(f"{NOTE} a"), f"{where}, its note's link")
    follow(page, page.locator(f'.md-sidebar--primary a.md-nav__link[href$="{PAGE}"]').first,
           f"{site.url('changes/')}, the navigation's link to {PAGE}")
    if not page.evaluate("() => window.__sameDocument === true"):
        fail(f"{url}: the navigation reloaded the page instead of swapping it in")
    assert_question_marked(page, f"{url}, back by instant navigation")
    assert_note(page, site, f"{url}, back by instant navigation")
    if problems := watch.errors():
        fail(f"{where}: {len(problems)} problem(s):\n" + "\n".join(f"- {p}" for p in problems))
    page.close()

    page = visit(context, url)
    assert_nothing_marked(page, f"{url} (the visit after, nothing changed since)")


@pytest.mark.parametrize(("scheme", "viewport"), [
    pytest.param("light", DESKTOP, id="light-desktop"),
    pytest.param("dark", PHONE, id="dark-phone"),
])
def test_marker_and_note_meet_wcag_aa(new_context, summit: TwoBuilds, scheme: str,
                                      viewport: dict) -> None:
    url = summit.site.url(PAGE)
    context = new_context(color_scheme=scheme, viewport=viewport)
    summit.show("first")
    visit(context, url).close()
    summit.show("second")
    page = visit(context, url)
    where = f"{url} ({scheme}, {viewport['width']} px, marked)"
    palette = page.evaluate("() => document.body.getAttribute('data-md-color-scheme')")
    if palette != {"light": "default", "dark": "slate"}[scheme]:
        fail(f"{where}: a {scheme} system gave Material's {palette!r} scheme")
    changed_value(page, where)
    assert_question_marked(page, where)
    violations = run_axe(page)
    if violations:
        fail(f"({scheme}, {viewport['width']} px) " + format_violations(url, violations))
    overflow = page.evaluate(OVERFLOW_JS)
    if overflow["scrollWidth"] > overflow["innerWidth"]:
        fail(f"{where}: the page scrolls sideways ({overflow['scrollWidth']} px wide):\n"
             + "\n".join(overflow["wide"]))


def test_without_javascript_nothing_is_marked(new_context, summit: TwoBuilds) -> None:
    url = summit.site.url(PAGE)
    reader = new_context()
    summit.show("first")
    visit(reader, url).close()
    # The same reader's storage, in a browser with JavaScript off: with it on, the
    # question would be marked.
    stored = reader.storage_state()
    if FACT not in str(stored["origins"]):
        fail(f"{url}: a visit with JavaScript on stored nothing about {FACT}: {stored}")
    context = new_context(java_script_enabled=False, storage_state=stored)
    summit.show("second")
    page = context.new_page()
    response = page.goto(url, wait_until="load")
    assert response and response.ok, f"{url}: HTTP {response.status if response else None}"
    where = f"{url} (JavaScript off, first build seen before)"
    changed_value(page, where)
    assert_nothing_marked(page, where)


def test_without_storage_the_page_is_left_alone(new_context, summit: TwoBuilds) -> None:
    url = summit.site.url(PAGE)
    context = new_context()
    # As in a browser that refuses this site any storage (browsers throw a SecurityError;
    # an Error keeps a stack that names the script it came from). Material's own scripts
    # do not cope with that; only errors raised in the script for changes count here.
    context.add_init_script("""for (const name of ['localStorage', 'sessionStorage']) {
        Object.defineProperty(window, name, {get() {
            throw new Error('storage is disabled'); }});
    }""")
    summit.show("first")
    visit(context, url).close()
    summit.show("second")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(error.stack or str(error)))
    page.goto(url, wait_until=LOAD_STATE)
    assert_nothing_marked(page, f"{url} (no storage)")
    ours = [stack for stack in errors if SCRIPT in stack]
    if ours:
        fail(f"{url} (no storage): {SCRIPT} raised:\n" + "\n".join(ours))
