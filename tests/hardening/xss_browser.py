"""Open every page of a built site in headless Chromium and report any script that ran.

Run as a separate process (`python -m tests.hardening.xss_browser SITE_DIR`) so its
Playwright never meets another Playwright of the same test session. Prints one JSON
object: per page, what an injected payload could have done.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from explainer.localsite import serving, site_url
from explainer.plugin.theme import FAVICON_URI
from explainer.testing import CHROMIUM_ARGS, chromium_path

TRAP = """
window.__xss = false;
window.__xss_calls = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = function (...args) {
    window.__xss = true;
    window.__xss_calls.push(name + "(" + args.join(",") + ")");
  };
}
"""
# The page icon the theme writes into every page (a data: URL of its own, not from data).
INSPECT = """
(scope) => {
  const ICON = ICON_URI;
  const root = document.querySelector(scope);
  const bad = [];
  const urlAttributes = ["href", "src", "action", "formaction", "xlink:href", "poster",
                         "srcset", "data", "background"];
  if (!root) return {bad, xss: window.__xss, calls: window.__xss_calls, text: "", title: ""};
  for (const el of root.querySelectorAll("*")) {
    for (const a of el.attributes) {
      const name = a.name.toLowerCase();
      const value = a.value.replace(/[\\u0000-\\u0020]/g, "").toLowerCase();
      if (name.startsWith("on") && /alert|xss/.test(a.value)) {
        bad.push(`<${el.tagName.toLowerCase()} ${name}="${a.value}">`);
      }
      const themeIcon = el.matches('link[rel="icon"]') && a.value === ICON;
      if (urlAttributes.includes(name) && /^(javascript|data|vbscript):/.test(value)
          && !themeIcon) {
        bad.push(`<${el.tagName.toLowerCase()} ${name}="${a.value}">`);
      }
    }
  }
  for (const s of root.querySelectorAll("script")) {
    if (s.type !== "application/ld+json" && s.textContent.includes("alert(1)")) {
      bad.push("<script>" + s.textContent.slice(0, 80));
    }
  }
  for (const el of root.querySelectorAll('img[src="x"], svg[onload]')) {
    bad.push("injected " + el.outerHTML.slice(0, 80));
  }
  return {bad, xss: window.__xss, calls: window.__xss_calls,
          text: document.body ? document.body.innerText : "", title: document.title};
}
""".replace("ICON_URI", json.dumps(FAVICON_URI))


def url_path(relative: str) -> str:
    if relative == "index.html":
        return "/"
    if relative.endswith("/index.html"):
        return "/" + relative[: -len("index.html")]
    return "/" + relative


def inspect_site(site: Path, search_terms: list[str]) -> dict:
    from playwright.sync_api import sync_playwright

    pages: dict[str, dict] = {}
    with serving(site) as server:
        server.handle_error = lambda request, address: None  # a reader that went away
        base = site_url(server).rstrip("/")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(),
                                                 args=list(CHROMIUM_ARGS))
            context = browser.new_context()
            context.add_init_script(TRAP)
            context.set_default_timeout(10_000)
            page = context.new_page()
            dialogs: list[str] = []
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message),
                                              dialog.dismiss()))
            for html in sorted(site.rglob("*.html")):
                relative = html.relative_to(site).as_posix()
                dialogs.clear()
                started = time.perf_counter()
                page.goto(base + url_path(relative), wait_until="load")
                page.wait_for_timeout(50)
                result = page.evaluate(INSPECT, "html")
                result["dialogs"] = list(dialogs)
                result["seconds"] = round(time.perf_counter() - started, 2)
                pages[relative] = result
            # A javascript: link only runs when clicked: click the first, as a reader would.
            clicked = None
            for relative, result in pages.items():
                if any("javascript:" in item for item in result["bad"]):
                    page.goto(base + url_path(relative), wait_until="load")
                    link = page.locator('a[href^="javascript:" i]').first
                    link.click(timeout=2000)
                    page.wait_for_timeout(200)
                    clicked = {"page": relative, "xss": page.evaluate("window.__xss"),
                               "calls": page.evaluate("window.__xss_calls")}
                    break
            # Material's search renders results from the index in the page.
            searches = {}
            page.goto(base + "/", wait_until="load")
            for term in search_terms:
                box = page.locator("input.md-search__input")
                if box.count() == 0:
                    searches[term] = {"error": "no search box"}
                    continue
                box.first.click(timeout=5000)
                box.first.fill(term, timeout=5000)
                try:
                    page.wait_for_selector(".md-search-result__item", timeout=5000)
                    results = page.locator(".md-search-result__item").count()
                except Exception:  # noqa: BLE001 - no result is a result
                    results = 0
                page.wait_for_timeout(200)
                found = page.evaluate(INSPECT, ".md-search-result")
                searches[term] = {"results": results, "bad": found["bad"],
                                  "xss": found["xss"], "calls": found["calls"]}
                box.first.fill("", timeout=5000)
            context.close()
            browser.close()
    return {"pages": pages, "clicked": clicked, "searches": searches}


if __name__ == "__main__":
    report = inspect_site(Path(sys.argv[1]), sys.argv[2:])
    json.dump(report, sys.stdout)
