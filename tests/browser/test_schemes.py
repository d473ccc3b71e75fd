"""Every page type in both colour schemes, on a desktop and on a 375 px phone.

Each (page, viewport, scheme) is loaded once in its own context, with the scheme set as
the reader's system preference (Material follows prefers-color-scheme until the reader
picks one with the palette toggle), and three things are checked:

- axe-core finds no WCAG 2.2 A/AA violation (colour contrast included);
- no table cell is narrower than the widest word in it: a word never breaks inside a cell;
- on the phone, the page never scrolls sideways.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import DESKTOP, NOT_FOUND_PATH, PHONE, Site
from .support import LOAD_STATE, format_violations, run_axe

# One page of each type: (test id, path below the site root).
PAGE_TYPES: list[tuple[str, str]] = [
    ("overview", ""),
    ("section", "behind-closed-doors/"),
    ("whos-who", "actors/"),
    ("actor", "actors/putin/"),
    ("matrix", "issues/"),
    ("issue", "issues/ceasefire/"),
    ("questions", "questions/"),
    ("timeline", "timeline/"),
    ("sources", "sources/"),
    ("changes", "changes/"),
    ("data", "data/"),
    ("not-found", NOT_FOUND_PATH),
]
VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}
SCHEMES = ("light", "dark")
MATERIAL_SCHEME = {"light": "default", "dark": "slate"}

# For each visible table cell: its width, and the width of the widest word in it as
# rendered (each word measured with a Range over the cell's own text nodes).
# A word runs from one space, hyphen, dash or slash to the next: a hyphenated compound
# in running text may break after its hyphen, as it does anywhere else.
# Cells that are hidden, or visually hidden inside a 1 px clipped box (the header row of a
# table shown as cards on a phone), are skipped.
HIDDEN_JS = r"""
const WORD = /[^\s\-\u2010\u2013\u2014\/]+[\-\u2010\u2013\u2014\/]*/g;
const exHidden = (el) => {
  const box = el.getBoundingClientRect();
  if (box.width === 0 || box.height === 0) return true;
  for (let node = el; node && node !== document.body; node = node.parentElement) {
    const style = getComputedStyle(node);
    const rect = node.getBoundingClientRect();
    if (style.overflow === 'hidden' && (rect.width <= 1 || rect.height <= 1)) return true;
    if (style.visibility === 'hidden') return true;
  }
  return false;
};
"""

CELL_WORDS_JS = r"""
() => {
  """ + HIDDEN_JS + r"""
  const found = [];
  for (const cell of document.querySelectorAll('.md-typeset table :is(th, td)')) {
    if (exHidden(cell)) continue;
    const box = cell.getBoundingClientRect();
    const style = getComputedStyle(cell);
    const inner = box.width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)
        - parseFloat(style.borderLeftWidth) - parseFloat(style.borderRightWidth);
    let widest = 0, word = '';
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest('.md-visually-hidden')) continue;
      const text = node.textContent;
      const re = WORD;
      let match;
      while ((match = re.exec(text)) !== null) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        // A word broken over two lines has two boxes: its unbroken width is their sum.
        let width = 0;
        for (const rect of range.getClientRects()) width += rect.width;
        if (width > widest) { widest = width; word = match[0]; }
      }
    }
    if (widest > inner + 0.5) {
      found.push({word, wordWidth: Math.round(widest), cellWidth: Math.round(inner),
                  cell: cell.outerHTML.slice(0, 160)});
    }
  }
  return found;
}
"""

# Also fails when a word is broken over two lines: the same word's boxes sit on
# different lines.
BROKEN_WORDS_JS = r"""
() => {
  """ + HIDDEN_JS + r"""
  const broken = [];
  for (const cell of document.querySelectorAll('.md-typeset table :is(th, td)')) {
    if (exHidden(cell)) continue;
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement && node.parentElement.closest('.md-visually-hidden')) continue;
      const re = WORD;
      let match;
      while ((match = re.exec(node.textContent)) !== null) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].filter(r => r.width > 0)
                             .map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}
"""

SIDEWAYS_JS = r"""
() => ({scrollWidth: document.scrollingElement.scrollWidth, innerWidth: window.innerWidth})
"""


class SchemeVisits:
    """Loads each (page, viewport, scheme) once and keeps what the tests look at."""

    def __init__(self, browser, site: Site) -> None:
        self.browser = browser
        self.site = site
        self.cache: dict[tuple[str, str, str], dict[str, Any]] = {}

    def get(self, path: str, viewport: str, scheme: str) -> dict[str, Any]:
        key = (path, viewport, scheme)
        if key not in self.cache:
            self.cache[key] = self._visit(path, viewport, scheme)
        return self.cache[key]

    def _visit(self, path: str, viewport: str, scheme: str) -> dict[str, Any]:
        context = self.browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=scheme,
                                           reduced_motion="reduce")
        context.set_default_timeout(20_000)
        try:
            page = context.new_page()
            url = self.site.url(path)
            page.goto(url, wait_until=LOAD_STATE)
            shown = page.evaluate("() => document.body.getAttribute('data-md-color-scheme')")
            return {
                "url": url,
                "scheme": shown,
                "violations": run_axe(page),
                "narrow_cells": page.evaluate(CELL_WORDS_JS),
                "broken_words": page.evaluate(BROKEN_WORDS_JS),
                "sideways": page.evaluate(SIDEWAYS_JS),
            }
        finally:
            context.close()


@pytest.fixture(scope="session")
def scheme_visits(browser, site: Site) -> SchemeVisits:
    return SchemeVisits(browser, site)


PARAMS = [pytest.param(path, viewport, scheme, id=f"{name}-{viewport}-{scheme}")
          for name, path in PAGE_TYPES for viewport in VIEWPORTS for scheme in SCHEMES]


def where(visit: dict[str, Any], viewport: str, scheme: str) -> str:
    return f"{visit['url']} ({viewport}, {scheme})"


@pytest.mark.parametrize(("path", "viewport", "scheme"), PARAMS)
def test_page_is_in_the_scheme_asked_for(scheme_visits: SchemeVisits, path: str,
                                         viewport: str, scheme: str) -> None:
    visit = scheme_visits.get(path, viewport, scheme)
    assert visit["scheme"] == MATERIAL_SCHEME[scheme], (
        f"{where(visit, viewport, scheme)} shows Material's {visit['scheme']!r} scheme")


@pytest.mark.parametrize(("path", "viewport", "scheme"), PARAMS)
def test_axe_finds_no_violation_in_either_scheme(scheme_visits: SchemeVisits, path: str,
                                                 viewport: str, scheme: str) -> None:
    visit = scheme_visits.get(path, viewport, scheme)
    if visit["violations"]:
        pytest.fail(f"({viewport}, {scheme}) "
                    + format_violations(visit["url"], visit["violations"]), pytrace=False)


@pytest.mark.parametrize(("path", "viewport", "scheme"), PARAMS)
def test_no_table_cell_is_narrower_than_its_longest_word(
        scheme_visits: SchemeVisits, path: str, viewport: str, scheme: str) -> None:
    visit = scheme_visits.get(path, viewport, scheme)
    problems = [f"- {c['word']!r} is {c['wordWidth']} px wide in a cell {c['cellWidth']} px "
                f"wide: {c['cell']}" for c in visit["narrow_cells"]]
    problems += [f"- {word!r} is broken over two lines" for word in visit["broken_words"]]
    if problems:
        pytest.fail(f"{where(visit, viewport, scheme)}: words do not fit their table cells:\n"
                    + "\n".join(problems[:20]), pytrace=False)


@pytest.mark.parametrize(("path", "scheme"), [
    pytest.param(path, scheme, id=f"{name}-{scheme}")
    for name, path in PAGE_TYPES for scheme in SCHEMES])
def test_no_sideways_scroll_on_a_phone(scheme_visits: SchemeVisits, path: str,
                                       scheme: str) -> None:
    visit = scheme_visits.get(path, "phone", scheme)
    sideways = visit["sideways"]
    if sideways["scrollWidth"] > sideways["innerWidth"]:
        pytest.fail(f"{where(visit, 'phone', scheme)} scrolls sideways: the page is "
                    f"{sideways['scrollWidth']} px wide for a {sideways['innerWidth']} px "
                    "viewport", pytrace=False)
