"""Helpers shared by the browser tests: axe, focus and overflow probes, readable reports."""

from __future__ import annotations

from typing import Any

import pytest

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Settle time after "networkidle" is not needed: Material's bundle, the search worker and
# its index are all requested before the network goes quiet.
LOAD_STATE = "networkidle"


def run_axe(page) -> list[dict[str, Any]]:
    """axe-core's violations for the WCAG 2.0/2.1/2.2 A and AA rules."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    return Axe().run(page, options=options).response["violations"]


def format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"{len(violations)} axe violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']}"
                     f" [{violation.get('helpUrl', '')}]")
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node.get("target", []))
            lines.append(f"    target: {target}")
            html = " ".join(node.get("html", "").split())
            lines.append(f"    html:   {html[:300]}{'…' if len(html) > 300 else ''}")
            summary = (node.get("failureSummary") or "").replace("\n", " ").strip()
            if summary:
                lines.append(f"    why:    {summary[:400]}")
    return "\n".join(lines)


# Describes document.activeElement: what it is and whether a focus indicator is drawn
# on it (outline or box-shadow), on a label that stands for it (Material's visually
# hidden palette radios and toggles draw the ring on the adjacent label), on the form of
# a text field (Material's search form gains a shadow when its input has focus), or
# nowhere.
ACTIVE_ELEMENT_JS = r"""
async () => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const describe = (node) => {
    let text = node.tagName.toLowerCase();
    if (node.id) text += '#' + node.id;
    const cls = (node.getAttribute('class') || '').trim();
    if (cls) text += '.' + cls.split(/\s+/).filter(c => c !== 'focus-visible').join('.');
    const href = node.getAttribute('href');
    if (href !== null) text += `[href="${href}"]`;
    const forAttr = node.getAttribute('for');
    if (forAttr !== null) text += `[for="${forAttr}"]`;
    return text;
  };
  const visibleColor = (color) => !!color && color !== 'transparent'
      && !/rgba\([^)]*,\s*0(\.0+)?\)$/.test(color);
  const ring = (node) => {
    const cs = getComputedStyle(node);
    const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0
        && visibleColor(cs.outlineColor);
    const shadow = !!cs.boxShadow && cs.boxShadow !== 'none'
        && (cs.boxShadow.match(/rgba?\([^)]*\)/g) || []).some(visibleColor);
    return {outline, shadow, outlineStyle: cs.outlineStyle, outlineWidth: cs.outlineWidth,
            outlineColor: cs.outlineColor, boxShadow: cs.boxShadow};
  };
  const standIns = () => {
    const nodes = [];
    if (el.labels) nodes.push(...el.labels);
    const next = el.nextElementSibling;
    if (el.tagName === 'INPUT' && next && next.tagName === 'LABEL') nodes.push(next);
    // A text field may show focus on its form (Material's search box grows a shadow).
    if (/^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) && el.closest('form')) {
      nodes.push(el.closest('form'));
    }
    return nodes;
  };
  const measure = () => {
    const own = ring(el);
    let indicator = (own.outline || own.shadow) ? 'self' : null;
    for (const node of standIns()) {
      if (indicator) break;
      const r = ring(node);
      const box = node.getBoundingClientRect();
      if ((r.outline || r.shadow) && box.width > 0 && box.height > 0) indicator = describe(node);
    }
    return {own, indicator};
  };
  let {own, indicator} = measure();
  if (!indicator) {
    // Give the page time to react to the focus (Material opens its search box from a
    // focus handler a tick later) and let transitions (rings, shadows fading in) finish,
    // then look again.
    await new Promise(resolve => setTimeout(resolve, 50));
    await new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const running = document.getAnimations().filter(a => a.playState === 'running');
    if (running.length) {
      await Promise.race([Promise.allSettled(running.map(a => a.finished)),
                          new Promise(resolve => setTimeout(resolve, 1000))]);
    }
    ({own, indicator} = measure());
  }
  const box = el.getBoundingClientRect();
  if (!el.__exUid) el.__exUid = (window.__exNextUid = (window.__exNextUid || 0) + 1);
  return {
    uid: el.__exUid,
    selector: describe(el),
    html: el.outerHTML.slice(0, 200),
    text: (el.getAttribute('aria-label') || el.innerText || el.value || '').trim().slice(0, 80),
    href: el.href || null,
    indicator,
    style: own,
    box: {x: box.x, y: box.y, width: box.width, height: box.height},
    inViewport: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
        && box.top < innerHeight && box.left < innerWidth,
  };
}
"""

# Width of the page against the viewport, and the elements that stick out on the right.
OVERFLOW_JS = r"""
() => {
  const width = window.innerWidth;
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 0.5) continue;
    // report the outermost offender only
    let parent = el.parentElement, inside = false;
    while (parent && parent !== document.body) {
      const pb = parent.getBoundingClientRect();
      if (pb.right > width + 0.5) { inside = true; break; }
      const ov = getComputedStyle(parent).overflowX;
      if (['auto', 'scroll', 'hidden', 'clip'].includes(ov)) { inside = true; break; }
      parent = parent.parentElement;
    }
    if (inside) continue;
    let text = el.tagName.toLowerCase();
    if (el.id) text += '#' + el.id;
    const cls = (el.getAttribute('class') || '').trim();
    if (cls) text += '.' + cls.split(/\s+/).join('.');
    wide.push(`${text} (right edge ${Math.round(box.right)}px): ${el.outerHTML.slice(0, 160)}`);
    if (wide.length >= 8) break;
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width, wide};
}
"""


def focus_problem(info: dict[str, Any]) -> str | None:
    """Why the focused element shows no focus indicator, or None when it does."""
    if info["indicator"]:
        return None
    style = info["style"]
    return (f"{info['selector']} ({info['text']!r}) has no visible focus indicator: "
            f"outline {style['outlineStyle']} {style['outlineWidth']} {style['outlineColor']}, "
            f"box-shadow {style['boxShadow']}")


# Material's script has run: it marks the document as scripted first thing.
SCRIPTED_JS = "() => document.documentElement.classList.contains('js')"


def open_page(page, url: str):
    """Go to `url` and wait until the network is quiet and Material's script has run.
    (Its search fetches the index only when a reader opens it.)"""
    response = page.goto(url, wait_until=LOAD_STATE)
    page.wait_for_function(SCRIPTED_JS, timeout=15_000)
    return response


def follow(page, link, where: str) -> None:
    """Point at `link`, as a reader does before clicking, then click it and wait until the
    next page is shown: with instant navigation the URL changes first and the old article
    is swapped out a moment later."""
    href = link.evaluate("a => a.href")
    page.evaluate("() => { window.__exFollowedFrom = document.querySelector('article'); }")
    link.hover()
    sitemap_read(page)
    link.click()
    page.wait_for_url(href)
    try:
        page.wait_for_function(
            "() => !window.__exFollowedFrom || !window.__exFollowedFrom.isConnected",
            timeout=10_000)
    except Exception:
        pytest.fail(f"{where}: after clicking the link to {href} the page still shows the "
                    "old article", pytrace=False)
    page.locator("article h1").first.wait_for()
    page.wait_for_load_state(LOAD_STATE)


SITEMAP_LOADED_JS = """() => performance.getEntriesByType('resource')
    .some(entry => new URL(entry.name).pathname.endsWith('/sitemap.xml'))"""


def sitemap_read(page) -> None:
    """Wait until instant navigation has the sitemap, which the page asks for once the
    reader moves, touches or types (a link followed before it loads the page anew)."""
    page.wait_for_function(SITEMAP_LOADED_JS, timeout=10_000)
    page.wait_for_timeout(100)  # Material reads it in a promise once it has come
