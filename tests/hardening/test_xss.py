"""XSS: hostile text in every text field of the data never becomes markup on the site.

One copy of the project is built as it is, another with script, event-handler, closing-tag
and javascript:/data: link payloads appended to every name, title, summary, quote, context,
question list, place... (ids, dates and URLs stay valid). Every HTML page of the hostile
build is read back and compared with the clean build, then opened in Chromium.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from explainer.plugin.theme import FAVICON_URI
from explainer.testing import in_ci, missing_browser
from explainer.yaml_source import load_yaml_bytes

from ..conftest import REPO, Run, copy_project, run_cli
from .support import check_in_process

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "</script><script>alert(1)</script>",
    "javascript:alert(1)",
    "[x](javascript:alert(1))",
    "[y](data:text/html,<script>alert(1)</script>)",
    "</title><script>alert(1)</script>",
    "' onmouseover='alert(1)",
]
HOSTILE = " ".join(PAYLOADS)
# Fields that are ids, references, closed sets, dates or URLs: kept valid.
NOT_TEXT = {"id", "actor", "issue", "affiliation", "source", "event", "kind", "stance",
            "status", "url", "start", "end", "date", "as_of", "review_by", "published",
            "sources", "quotes", "actors", "issues", "touches"}
# Optional text fields the real data may leave out: filled in so they are covered too.
OPTIONAL_TEXT = {"sources": ("publisher", "note"), "actors": ("role", "aliases", "summary"),
                 "updates": ("corrected",)}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "srcset",
                  "data", "background", "cite"}
BAD_SCHEME = re.compile(r"^(?:javascript|data|vbscript):", re.IGNORECASE)
RAW_PAYLOAD = ["<script>alert(1)", "<img src=x", "<svg onload", "</title><script"]
ESCAPED_PAYLOAD = ["&lt;script&gt;alert(1)&lt;/script&gt;",
                   "&lt;img src=x onerror=alert(1)&gt;"]


def poison(root: Path) -> None:
    """Append every payload to every text field of the data; ids stay valid."""
    for path in sorted((root / "data").glob("*.yaml")):
        loaded = load_yaml_bytes(path.read_bytes(), path.name)
        assert not loaded.diagnostics, loaded.diagnostics
        entries = loaded.value or []
        for entry in entries:
            for name in OPTIONAL_TEXT.get(path.stem, ()):
                entry.setdefault(name, ["An alias"] if name == "aliases" else "Text")
            for key, value in list(entry.items()):
                if key in NOT_TEXT:
                    continue
                if isinstance(value, str):
                    entry[key] = f"{value} {HOSTILE}"
                elif isinstance(value, list):
                    entry[key] = [f"{item} {HOSTILE}" for item in value] + [HOSTILE]
        path.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False,
                                       width=1_000_000), encoding="utf-8")
    # A block reference glued to the paragraph above it (no blank line between).
    page = root / "content" / "kremlin-reaction.md"
    if page.exists():
        text = page.read_text(encoding="utf-8")
        page.write_text(re.sub(r"\n\n(\[\[quote:[a-z0-9-]+\]\])\n", r"\n\1\n", text, count=1),
                        encoding="utf-8")


class PageScan(HTMLParser):
    """The script elements, event-handler attributes and dangerous URLs of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple[str | None, str | None, str]] = []
        self.handlers: set[tuple[str, str, str]] = set()
        self.urls: set[tuple[str, str, str]] = set()
        self._script: list | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.handlers.add((tag, name, value))
            if (tag, name, value) == ("link", "href", FAVICON_URI):
                continue  # the page icon the theme writes in, the same on every site
            if name in URL_ATTRIBUTES and BAD_SCHEME.match(re.sub(r"[\x00-\x20]", "", value)):
                self.urls.add((tag, name, value))
        if tag == "script":
            found = dict(attrs)
            self._script = [found.get("src"), found.get("type"), []]

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script[2].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            src, kind, parts = self._script
            self.scripts.append((src, kind, "".join(parts)))
            self._script = None


def scan(site: Path) -> dict[str, PageScan]:
    pages = {}
    for path in sorted(site.rglob("*.html")):
        parser = PageScan()
        parser.feed(path.read_text(encoding="utf-8"))
        parser.close()
        pages[path.relative_to(site).as_posix()] = parser
    return pages


@dataclass
class Sites:
    clean: Path
    hostile: Path
    hostile_root: Path
    clean_run: Run
    hostile_run: Run


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Sites:
    base = tmp_path_factory.mktemp("xss")
    clean_root = copy_project(base / "clean")
    hostile_root = copy_project(base / "hostile")
    poison(hostile_root)

    def build(root: Path) -> Run:
        return run_cli(root, "build", "--site-dir", str(root / "site"), timeout=600)

    with ThreadPoolExecutor(max_workers=2) as pool:
        clean_run, hostile_run = pool.map(build, [clean_root, hostile_root])
    return Sites(clean_root / "site", hostile_root / "site", hostile_root, clean_run,
                 hostile_run)


@pytest.fixture(scope="module")
def scans(sites: Sites) -> tuple[dict[str, PageScan], dict[str, PageScan]]:
    assert sites.clean_run.returncode == 0, sites.clean_run.stderr
    assert sites.hostile_run.returncode == 0, (
        "the hostile data set did not build (strictness?):\n" + sites.hostile_run.stderr)
    return scan(sites.clean), scan(sites.hostile)


def test_hostile_data_is_valid(sites: Sites) -> None:
    run = check_in_process(sites.hostile_root)
    assert run.status == 0, run.stderr
    assert "Traceback" not in run.stderr


def test_hostile_data_builds(sites: Sites) -> None:
    for run in (sites.clean_run, sites.hostile_run):
        assert "Traceback" not in run.stderr, run.stderr
    assert sites.hostile_run.returncode == 0, sites.hostile_run.stderr
    assert re.search(r"built \d+ HTML pages", sites.hostile_run.stderr), sites.hostile_run.stderr


def test_same_pages_in_both_builds(scans) -> None:
    clean, hostile = scans
    assert sorted(hostile) == sorted(clean)


def test_no_script_element_from_data(scans) -> None:
    clean, hostile = scans
    problems = []
    for page, found in hostile.items():
        before = clean.get(page, PageScan())
        if len(found.scripts) != len(before.scripts):
            problems.append(f"{page}: {len(found.scripts)} <script> elements, clean build has "
                            f"{len(before.scripts)}")
        external = {src for src, _, _ in found.scripts if src}
        if external != {src for src, _, _ in before.scripts if src}:
            problems.append(f"{page}: script srcs differ: {sorted(external)}")
        inline_before = {(kind, text) for src, kind, text in before.scripts if not src}
        for src, kind, text in found.scripts:
            if src or (kind, text) in inline_before:
                continue
            if kind == "application/ld+json":
                try:
                    json.loads(text)
                except ValueError as exc:
                    problems.append(f"{page}: JSON-LD broken by data ({exc}): {text[:120]!r}")
                continue
            problems.append(f"{page}: new inline script type={kind!r}: {text[:120]!r}")
    assert not problems, "\n".join(problems)


def test_no_event_handler_attribute_from_data(scans) -> None:
    clean, hostile = scans
    allowed = set().union(*(found.handlers for found in clean.values()))
    problems = [f"{page}: <{tag} {name}={value!r}>" for page, found in hostile.items()
                for tag, name, value in sorted(found.handlers - allowed)]
    assert not problems, "\n".join(problems)


def test_no_javascript_or_data_url(scans) -> None:
    clean, hostile = scans
    allowed = set().union(*(found.urls for found in clean.values()))
    problems = [f"{page}: <{tag} {name}={value!r}>" for page, found in hostile.items()
                for tag, name, value in sorted(found.urls - allowed)]
    assert not problems, (
        "javascript:/data: links made from data (a plain-text field such as an actor's name "
        "is inserted into Markdown by [[actor:...]] and Markdown turns '[x](javascript:...)' "
        "into a link):\n" + "\n".join(problems))


def test_payload_is_shown_escaped(sites: Sites, scans) -> None:
    problems = []
    shown = 0
    for path in sorted(sites.hostile.rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        page = path.relative_to(sites.hostile).as_posix()
        for raw in RAW_PAYLOAD:
            if raw in html:
                problems.append(f"{page}: raw {raw!r} in the HTML")
        shown += all(escaped in html for escaped in ESCAPED_PAYLOAD)
    trump = (sites.hostile / "actors" / "trump" / "index.html").read_text(encoding="utf-8")
    for escaped in ESCAPED_PAYLOAD:
        assert escaped in trump, escaped
    assert shown >= 10, f"only {shown} pages show the escaped payload"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JavaScript:alert(1)",
                                 " javascript:alert(1)", "data:text/html,<script>x</script>",
                                 "vbscript:msgbox(1)", "https:alert(1)", "//example.org/x"])
def test_only_http_urls_pass_check(project: Path, url: str) -> None:
    path = project / "data" / "sources.yaml"
    text = path.read_text(encoding="utf-8")
    assert "  kind: article\n" in text
    path.write_text(text.replace("  kind: article\n",
                                 f"  kind: article\n  url: {json.dumps(url)}\n", 1),
                    encoding="utf-8")
    run = check_in_process(project)
    assert run.status == 1, run.stderr
    expected = (f"url: URL '{url}' must start with http:// or https:// and name a host")
    assert any(line.startswith("data/sources.yaml:") and line.endswith(expected)
               for line in run.diagnostics), run.stderr


def test_no_script_runs_in_chromium(sites: Sites, scans) -> None:
    """Every page in a real browser: no dialog, window.__xss stays false, no injected
    element, the payload is visible as text; a javascript: link is clicked to show its
    effect; Material's search shows hostile results without running them."""
    missing = missing_browser()
    if missing is not None:  # on CI a missing browser fails: green must mean tested
        (pytest.fail if in_ci() else pytest.skip)(missing)
    result = subprocess.run(
        [sys.executable, "-m", "tests.hardening.xss_browser", str(sites.hostile), "onerror",
         "script"],
        capture_output=True, text=True, timeout=300, cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    problems = []
    for page, found in report["pages"].items():
        if found["xss"] or found["dialogs"]:
            problems.append(f"{page}: script ran: {found['calls'] or found['dialogs']}")
        for item in sorted(set(found["bad"])):
            problems.append(f"{page}: {found['bad'].count(item)} x {item}")
    if report["clicked"]:
        clicked = report["clicked"]
        problems.append(f"clicking the first javascript: link on {clicked['page']} ran "
                        f"script: {clicked['xss']} {clicked['calls']}")
    for term, found in report["searches"].items():
        if found.get("error") or found["xss"] or found["bad"]:
            problems.append(f"search {term!r}: {found}")
    visible = [page for page, found in report["pages"].items()
               if "<script>alert(1)</script>" in found["text"]]
    actor_pages = [page for page in report["pages"] if page.startswith("actors/")
                   and page != "actors/index.html"]
    for page in actor_pages:
        found = report["pages"][page]
        if "<script>alert(1)</script>" not in found["text"]:
            problems.append(f"{page}: payload not visible as text")
        if "<script>alert(1)</script>" not in found["title"]:
            problems.append(f"{page}: payload not in the window title as text: "
                            f"{found['title'][:120]!r}")
    assert len(visible) >= 10, visible
    assert not problems, "\n".join(problems)
