"""Keyboard only: Tab through whole pages as a reader without a mouse would.

On each walked page every stop must show a focus indicator (an outline or a box-shadow
on the element or on the label that stands for it), focus must never get stuck, and the
walk must come to the end of the page within a bounded number of presses. On the matrix
every stance cell link, and on the timeline every event link, must be among the stops.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Site
from .support import ACTIVE_ELEMENT_JS, focus_problem, open_page

MAX_TABS = 250  # far more stops than any page has; a walk that needs more is stuck
STUCK_AFTER = 3  # the same element focused this many presses in a row is a trap

# Pages walked end to end: the overview (Markdown with references), an actor and an
# issue (generated pages with stance tables), the matrix and the timeline.
WALKED = [
    pytest.param("", None, id="overview"),
    pytest.param("actors/putin/", None, id="actor-putin"),
    pytest.param("issues/ceasefire/", None, id="issue-ceasefire"),
    pytest.param("issues/", "a.ex-cell", id="matrix-stance-cells"),
    pytest.param("timeline/", ".ex-event__title a", id="timeline-event-links"),
]


def walk(page) -> tuple[list[dict[str, Any]], str | None]:
    """Press Tab until focus leaves the page. Returns the stops and, if the walk did not
    finish, why."""
    stops: list[dict[str, Any]] = []
    previous_uid, repeats = None, 0
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        info = page.evaluate(ACTIVE_ELEMENT_JS)
        if info is None:
            if stops:
                return stops, None  # focus went past the last element, back to the browser
            continue
        if info["uid"] == previous_uid:
            repeats += 1
            if repeats + 1 >= STUCK_AFTER:
                return stops, (f"keyboard trap: focus stayed on {info['selector']} "
                               f"({info['text']!r}) for {STUCK_AFTER} presses of Tab")
        else:
            previous_uid, repeats = info["uid"], 0
        if stops and info["uid"] == stops[0]["uid"]:
            return stops, None  # wrapped round to the first stop
        stops.append(info)
    return stops, f"Tab did not reach the end of the page within {MAX_TABS} presses"


@pytest.mark.parametrize(("path", "must_reach"), WALKED)
def test_tab_walk(context, watch, site: Site, path: str, must_reach: str | None) -> None:
    page = context.new_page()
    watch(page)
    url = site.url(path)
    open_page(page, url)
    stops, unfinished = walk(page)

    problems = []
    if unfinished:
        problems.append(unfinished)
    seen: set[str] = set()
    for stop in stops:
        problem = focus_problem(stop)
        if problem and stop["selector"] not in seen:
            seen.add(stop["selector"])
            problems.append(problem)
    if must_reach:
        wanted = page.eval_on_selector_all(must_reach, "els => els.map(el => el.href)")
        assert wanted, f"{url}: no {must_reach} on the page to reach by keyboard"
        reached = {stop["href"] for stop in stops}
        missing = [href for href in wanted if href not in reached]
        if missing:
            problems.append(f"{len(missing)} of {len(wanted)} {must_reach} link(s) are not "
                            f"reachable with Tab: " + ", ".join(missing[:10]))
    if problems:
        pytest.fail(f"{url}: keyboard problems after {len(stops)} Tab stop(s):\n"
                    + "\n".join(f"- {problem}" for problem in problems), pytrace=False)
