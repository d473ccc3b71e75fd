#!/usr/bin/env python3
"""Lighthouse scores for one page of every type, written to docs/lighthouse.md.

    python3 scripts/lighthouse.py                 build, serve, audit, write the table
    python3 scripts/lighthouse.py --lighthouse-dir DIR   reuse (or install into) DIR
    python3 scripts/lighthouse.py --update-readme        also rewrite README's table

Builds the site into a temporary folder with SITE_URL set to a local server on
127.0.0.1 and serves it as GitHub Pages serves a site: HTML, CSS, JavaScript, JSON, XML
and SVG gzip-compressed, a missing path answered with 404.html and status 404
(explainer.localsite.GzipSiteHandler). It runs npm's `lighthouse` against the browser
the tests use (explainer.testing.chromium_path(): Debian's Chromium unless
EXPLAINER_CHROMIUM names another) with Lighthouse's defaults: mobile form factor,
simulated slow-4G throttling, an empty cache (a first visit). For comparison it builds
stock Material the same way (a one-page MkDocs site with `theme: material` and nothing
else, built with this project's .venv) and audits it too. It collects the four category
scores, the bytes over the network (the sum of the transfer sizes in Lighthouse's
network-requests audit, i.e. gzip-compressed where the server compressed) and the number
of requests into a Markdown table, with a request-by-request comparison of the overview
and stock Material, prints it and writes docs/lighthouse.md. Not part of the test
suite.

Lighthouse is installed with `npm install --no-save` into a temporary folder (deleted
afterwards) unless --lighthouse-dir names a folder to keep it in; nothing is added to the
repository. Lighthouse 13 needs Node 22, so the version is pinned to one that runs on
Debian's Node 20.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the standard-library-only helpers, with or without .venv
from explainer.localsite import (  # noqa: E402
    GzipSiteHandler,
    build_site,
    copy_project,
    editor_env,
    serving,
    site_url,
)
from explainer.testing import (  # noqa: E402
    CHROMIUM_ARGS,
    DEFAULT_CHROMIUM,
    chromium_path,
    wanted_chromium,
)

LIGHTHOUSE_VERSION = "12.2.3"
CHROME_FLAGS = " ".join([*CHROMIUM_ARGS, "--disable-quic", "--disable-dev-shm-usage"])
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
OUTPUT = ROOT / "docs" / "lighthouse.md"
README = ROOT / "README.md"
# The first-visit transfer may exceed stock Material's by this much.
TRANSFER_ALLOWANCE = 0.15

STOCK_LABEL = "Stock Material (comparison)"
STOCK_CONFIG = "site_name: Stock Material\ntheme:\n  name: material\n"
STOCK_PAGE = """# Stock Material

A one-page MkDocs site with `theme: material` and nothing else, built with the same
MkDocs and Material as the explainer, for comparing what a first visit downloads.
"""

# One page of every type: (label, path below the site root). Same list as tests/browser.
PAGES: list[tuple[str, str]] = [
    ("Overview", ""),
    ("Section: Setting the stage", "setting-the-stage/"),
    ("Section: Behind closed doors", "behind-closed-doors/"),
    ("Section: Press conference", "press-conference/"),
    ("Section: What wasn't said", "what-wasnt-said/"),
    ("Section: Kremlin reaction", "kremlin-reaction/"),
    ("Who's who", "actors/"),
    ("Actor (Putin)", "actors/putin/"),
    ("Matrix", "issues/"),
    ("Issue (ceasefire)", "issues/ceasefire/"),
    ("Open questions", "questions/"),
    ("Timeline", "timeline/"),
    ("Sources", "sources/"),
    ("What changed", "changes/"),
    ("Data", "data/"),
    ("404", "no-such-page/"),
]


def log(message: str) -> None:
    print(f"lighthouse.py: {message}", file=sys.stderr, flush=True)


def python_for_build() -> str:
    venv_python = ROOT / ".venv" / "bin" / "python"
    return str(venv_python) if venv_python.exists() else sys.executable


def build(work: Path, base_url: str) -> Path:
    """Build a copy of the project (so a concurrent edit of site/ is left alone)."""
    project = copy_project(ROOT, work / "project")
    site_dir = work / "built" / "site"
    site_dir.parent.mkdir()
    result = build_site(project, site_dir, base_url, python=python_for_build(), timeout=600)
    if result.returncode != 0:
        sys.exit(f"lighthouse.py: the site build failed:\n{result.stderr}")
    return site_dir


def build_stock(work: Path) -> Path:
    """Stock Material: a one-page site with `theme: material` and nothing else."""
    project = work / "stock"
    (project / "docs").mkdir(parents=True)
    (project / "mkdocs.yml").write_text(STOCK_CONFIG, encoding="utf-8")
    (project / "docs" / "index.md").write_text(STOCK_PAGE, encoding="utf-8")
    site_dir = work / "stock-site"
    result = subprocess.run([python_for_build(), "-m", "mkdocs", "build", "--quiet",
                             "--site-dir", str(site_dir)], cwd=project,
                            env=editor_env(project), capture_output=True, text=True,
                            timeout=600)
    if result.returncode != 0:
        sys.exit(f"lighthouse.py: the stock Material build failed:\n{result.stderr}")
    return site_dir


def install_lighthouse(folder: Path) -> Path:
    binary = folder / "node_modules" / ".bin" / "lighthouse"
    if binary.exists():
        return binary
    if not shutil.which("npm"):
        sys.exit("lighthouse.py: npm is needed (apt-get install npm)")
    log(f"installing lighthouse@{LIGHTHOUSE_VERSION} into {folder} (npm install --no-save)")
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["npm", "install", "--no-save", "--no-audit", "--no-fund",
                    "--no-package-lock", "--save-exact", f"lighthouse@{LIGHTHOUSE_VERSION}"],
                   cwd=folder, check=True, stdout=subprocess.DEVNULL)
    return binary


def audit(binary: Path, url: str, report: Path) -> dict[str, Any]:
    env = dict(os.environ, CHROME_PATH=chromium_path())
    cmd = [str(binary), url, "--quiet", "--output=json", f"--output-path={report}",
           f"--chrome-flags={CHROME_FLAGS}",
           f"--only-categories={','.join(CATEGORIES)}"]
    report.unlink(missing_ok=True)
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    if not report.exists():  # a page Lighthouse could not load still gets a report
        raise RuntimeError(f"lighthouse failed for {url} ({result.returncode}):\n"
                           f"{result.stderr[-2000:]}")
    return json.loads(report.read_text(encoding="utf-8"))


def row(label: str, path: str, lhr: dict[str, Any]) -> dict[str, Any]:
    scores = {}
    for name in CATEGORIES:
        score = lhr["categories"].get(name, {}).get("score")
        scores[name] = None if score is None else round(score * 100)
    weight = lhr["audits"].get("total-byte-weight", {}).get("numericValue")
    requests = [{"url": item.get("url", ""), "type": item.get("resourceType") or "",
                 "transfer": item.get("transferSize") or 0,
                 "size": item.get("resourceSize") or 0,
                 "status": item.get("statusCode")}
                for item in (lhr["audits"].get("network-requests", {}).get("details") or {})
                .get("items", [])
                if not item.get("url", "").startswith("data:")]
    failed = sorted(
        audit_id for category in ("accessibility", "best-practices", "seo")
        for ref in lhr["categories"].get(category, {}).get("auditRefs", [])
        if ref.get("weight", 0) > 0
        for audit_id in [ref["id"]]
        if (lhr["audits"].get(audit_id, {}).get("score") is not None
            and lhr["audits"][audit_id]["score"] < 1))
    return {"label": label, "path": "/" + path, "scores": scores, "bytes": weight,
            "requests": requests, "transfer": sum(r["transfer"] for r in requests)
            if requests else None,
            "failed": failed, "lcp": lhr["audits"].get("largest-contentful-paint", {})
            .get("displayValue"), "version": lhr.get("lighthouseVersion"),
            "agent": lhr.get("environment", {}).get("hostUserAgent", ""),
            "error": (lhr.get("runtimeError") or {}).get("code")}


def browser_name() -> str:
    """The browser audited, as the table's note names it."""
    wanted = wanted_chromium()
    return "Debian's Chromium" if wanted == DEFAULT_CHROMIUM else f"the browser at {wanted}"


def kib(value: float | None) -> str:
    return "–" if value is None else f"{value / 1024:.1f} KiB"


def table(rows: list[dict[str, Any]]) -> list[str]:
    def fmt(value: int | None) -> str:
        return "–" if value is None else str(value)

    lines = [
        "| Page | Path | Performance | Accessibility | Best practices | SEO | Transfer "
        "| Requests | LCP |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        s = r["scores"]
        count = "–" if r["transfer"] is None else str(len(r["requests"]))
        lines.append(f"| {r['label']} | `{r['path']}` | {fmt(s['performance'])} | "
                     f"{fmt(s['accessibility'])} | {fmt(s['best-practices'])} | "
                     f"{fmt(s['seo'])} | {kib(r['transfer'])} | {count} | {r['lcp'] or '–'} |")
    return lines


def request_name(url: str, base_url: str) -> str:
    """A request as the comparison names it: the path below the site, without Material's
    content hash, so that the same file of both sites is one row."""
    if not url.startswith(base_url):
        return urlsplit(url).netloc + urlsplit(url).path
    path = url[len(base_url):].split("?", 1)[0].split("#", 1)[0]
    return re.sub(r"\.[0-9a-f]{8}(\.min\.(?:js|css))$", r".*\1", path) or "(the page)"


def comparison(ours: dict[str, Any], stock: dict[str, Any]) -> list[str]:
    """Request by request: the overview against stock Material."""
    names: dict[str, dict[str, int]] = {}
    kinds: dict[str, str] = {}
    for key, r in (("ours", ours), ("stock", stock)):
        for index, request in enumerate(r["requests"]):
            name = request_name(request["url"], r["base_url"])
            if index == 0 and request["type"] == "Document":
                name = "(the page)"
            names.setdefault(name, {})
            names[name][key] = names[name].get(key, 0) + request["transfer"]
            kinds.setdefault(name, request["type"])
    lines = [f"| Request | Type | {ours['label']} | Stock Material |",
             "| --- | --- | ---: | ---: |"]
    for name in sorted(names, key=lambda n: (n != "(the page)", n)):
        row = names[name]
        lines.append(f"| `{name}` | {kinds[name]} | "
                     f"{kib(row['ours']) if 'ours' in row else '–'} | "
                     f"{kib(row['stock']) if 'stock' in row else '–'} |")
    lines.append(f"| **total** | | **{kib(ours['transfer'])}** ({len(ours['requests'])} "
                 f"requests) | **{kib(stock['transfer'])}** ({len(stock['requests'])} "
                 "requests) |")
    return lines


def verdict(rows: list[dict[str, Any]], stock: dict[str, Any] | None) -> list[str]:
    """Whether the goals are met: transfer, performance, the other three categories."""
    audited = [r for r in rows if not r["error"] and r["transfer"] is not None]
    if not audited:
        return []
    heaviest = max(audited, key=lambda r: r["transfer"])
    lines = []
    if stock and stock["transfer"]:
        limit = stock["transfer"] * (1 + TRANSFER_ALLOWANCE)
        over = [r for r in audited if r["transfer"] > limit]
        lines.append(
            f"- First-visit transfer: stock Material {kib(stock['transfer'])} over "
            f"{len(stock['requests'])} requests; the goal is at most "
            f"{TRANSFER_ALLOWANCE:.0%} more, {kib(limit)}. Ours: "
            f"{kib(min(r['transfer'] for r in audited))} to {kib(heaviest['transfer'])} "
            f"(`{heaviest['path']}`), {min(len(r['requests']) for r in audited)} to "
            f"{max(len(r['requests']) for r in audited)} requests: "
            + ("met on every page." if not over else "not met on " + ", ".join(
                f"`{r['path']}` ({kib(r['transfer'])})" for r in over) + "."))
    slow = [r for r in audited if (r["scores"]["performance"] or 0) < 95]
    lines.append("- Performance ≥ 95: " + ("met on every page." if not slow else
                 "not met on " + ", ".join(f"`{r['path']}` ({r['scores']['performance']})"
                                            for r in slow) + "."))
    short = [r for r in audited for name in CATEGORIES[1:] if r["scores"][name] != 100]
    lines.append("- Accessibility, best practices and SEO at 100: " + (
        "met on every page." if not short else "not met on " + ", ".join(
            sorted({f"`{r['path']}`" for r in short})) + "."))
    return lines


def markdown(rows: list[dict[str, Any]], stock: dict[str, Any] | None) -> str:
    everything = rows + ([stock] if stock else [])
    version = next((r["version"] for r in everything if r["version"]), "?")
    agent = next((r["agent"] for r in everything if r["agent"]), "")
    chrome = next((part for part in agent.split() if part.startswith(("Chrome/",
                                                                       "HeadlessChrome/"))),
                  "Chromium")
    lines = [
        "# Lighthouse scores",
        "",
        f"Generated by `python3 scripts/lighthouse.py` on {dt.date.today().isoformat()} with "
        f"Lighthouse {version} and {browser_name()} ({chrome}), mobile form factor and "
        "Lighthouse's default simulated throttling, against the site built from this "
        "repository and served on 127.0.0.1 as GitHub Pages serves it (HTML, CSS, "
        "JavaScript, JSON, XML and SVG gzip-compressed). Scores are 0–100. Transfer is "
        "what a first visit (empty cache) downloads over the network: the sum of the "
        "transfer sizes in Lighthouse's network-requests audit, compressed where the "
        "server compressed, with every request the page and its workers make (Material's "
        "search worker and its index included); Requests counts them.",
        "",
        *table(everything),
    ]
    goals = verdict(rows, stock)
    if goals:
        lines += ["", "Goals:", "", *goals]
    overview = next((r for r in rows if r["path"] == "/" and r["requests"]), None)
    if stock and overview and stock["requests"]:
        lines += ["", "Where the bytes of a first visit go, request by request: the overview "
                  "against stock Material (a one-page MkDocs site with `theme: material` and "
                  "nothing else, built with the same MkDocs and Material). File names are "
                  "shown without Material's content hash.", "", *comparison(overview, stock)]
    errors = [r for r in everything if r["error"]]
    if errors:
        lines += ["", "Pages Lighthouse could not fully audit (its runtime error code):", ""]
        lines += [f"- `{r['path']}`: `{r['error']}`" for r in errors]
    failing: dict[str, list[str]] = {}
    for r in rows:
        for audit_id in r["failed"]:
            failing.setdefault(audit_id, []).append(r["path"])
    if failing:
        lines += ["", "Audits that did not pass (accessibility, best practices, SEO):", ""]
        for audit_id, paths in sorted(failing.items()):
            audited = [r for r in rows if not r["error"]]
            where = "every audited page" if len(paths) == len(audited) else ", ".join(
                f"`{p}`" for p in paths)
            lines.append(f"- `{audit_id}`: {where}")
    lines += ["", "Performance on a local server mostly measures the CPU-bound parts (script "
              "parse and execution, layout) under Lighthouse's simulated mobile CPU and "
              "network, so it moves by a few points with the load of the machine; compare "
              "runs on the same, otherwise idle machine only. Lighthouse does not audit a "
              "page answered with status 404, so the 404 page has no scores here (the "
              "browser tests in tests/browser check it).", ""]
    return "\n".join(lines)


README_START = "## Measurements\n\n"
README_END = "\n**Build and check speed**"


def readme_block(rows: list[dict[str, Any]], stock: dict[str, Any] | None) -> str:
    """The Lighthouse part of README's "Measurements": two sentences and the table."""
    return "\n".join([
        textwrap.fill(
        "**Lighthouse**, one page of each type and stock Material for comparison, mobile "
        "form factor with simulated throttling, served from 127.0.0.1 gzip-compressed as "
        "GitHub Pages serves it (`python3 scripts/lighthouse.py --update-readme`; details, "
        "goals and where the bytes go in [docs/lighthouse.md](docs/lighthouse.md)). "
        "Transfer is what a first visit downloads over the network; performance moves by a "
        "few points with the machine's load.", width=88, break_on_hyphens=False,
        break_long_words=False),
        "",
        *table(rows + ([stock] if stock else [])),
        "",
    ])


def update_readme(rows: list[dict[str, Any]], stock: dict[str, Any] | None) -> None:
    text = README.read_text(encoding="utf-8")
    start = text.index(README_START) + len(README_START)
    end = text.index(README_END, start)
    README.write_text(text[:start] + readme_block(rows, stock) + text[end:], encoding="utf-8")


def audit_site(binary: Path, base_url: str, pages: list[tuple[str, str]], work: Path
               ) -> list[dict[str, Any]]:
    rows = []
    for label, path in pages:
        log(f"auditing {base_url}{path}")
        lhr = audit(binary, base_url + path, work / "report.json")
        rows.append(dict(row(label, path, lhr), base_url=base_url))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lighthouse-dir", type=Path, default=None,
                        help="folder to install lighthouse into and reuse (default: a "
                             "temporary folder, removed afterwards)")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="Markdown file to write")
    parser.add_argument("--update-readme", action="store_true",
                        help="also rewrite the Lighthouse table in README.md")
    parser.add_argument("--no-stock", action="store_true",
                        help="leave out the stock Material comparison")
    parser.add_argument("--only", nargs="+", metavar="PATH", default=None,
                        help="audit only these paths (as in the table, e.g. / actors/putin/)")
    args = parser.parse_args()
    if not shutil.which(chromium_path()):
        sys.exit(f"lighthouse.py: Chromium is needed at {chromium_path()} (apt-get install "
                 "chromium, or set EXPLAINER_CHROMIUM to a Chromium or Chrome binary)")
    pages = PAGES if args.only is None else [
        (label, path) for label, path in PAGES if "/" + path in args.only or path in args.only]

    stock: dict[str, Any] | None = None
    with tempfile.TemporaryDirectory(prefix="explainer-lighthouse-") as temp:
        work = Path(temp)
        binary = install_lighthouse(args.lighthouse_dir or work / "lighthouse")
        with serving(work / "built" / "site", GzipSiteHandler) as server:
            base_url = site_url(server)
            log(f"building the site for {base_url}")
            build(work, base_url)
            rows = audit_site(binary, base_url, pages, work)
        if not args.no_stock:
            log("building stock Material")
            stock_dir = build_stock(work)
            with serving(stock_dir, GzipSiteHandler) as server:
                stock = audit_site(binary, site_url(server), [(STOCK_LABEL, "")], work)[0]
                stock["path"] = "/ (stock)"

    text = markdown(rows, stock)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(text)
    shown = args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output
    log(f"wrote {shown}")
    if args.update_readme:
        update_readme(rows, stock)
        log("rewrote the Lighthouse table in README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
