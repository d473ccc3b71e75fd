#!/usr/bin/env python3
"""Lighthouse scores for one page of every type, written to docs/lighthouse.md.

    python3 scripts/lighthouse.py                 build, serve, audit, write the table
    python3 scripts/lighthouse.py --lighthouse-dir DIR   reuse (or install into) DIR

Builds the site into a temporary folder with SITE_URL set to a local server on
127.0.0.1, serves it (a missing path gets 404.html with status 404), and runs npm's
`lighthouse` against the browser the tests use (explainer.testing.chromium_path():
Debian's Chromium unless EXPLAINER_CHROMIUM names another) with Lighthouse's defaults:
mobile form factor, simulated slow-4G throttling. It collects the four category scores
and the total page weight (the total-byte-weight audit) into a Markdown table, prints it
and writes docs/lighthouse.md. Not part of the test suite.

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
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the standard-library-only helpers, with or without .venv
from explainer.localsite import build_site, copy_project, serving, site_url  # noqa: E402
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
    failed = sorted(
        audit_id for category in ("accessibility", "best-practices", "seo")
        for ref in lhr["categories"].get(category, {}).get("auditRefs", [])
        if ref.get("weight", 0) > 0
        for audit_id in [ref["id"]]
        if (lhr["audits"].get(audit_id, {}).get("score") is not None
            and lhr["audits"][audit_id]["score"] < 1))
    return {"label": label, "path": "/" + path, "scores": scores, "bytes": weight,
            "failed": failed, "lcp": lhr["audits"].get("largest-contentful-paint", {})
            .get("displayValue"), "version": lhr.get("lighthouseVersion"),
            "agent": lhr.get("environment", {}).get("hostUserAgent", ""),
            "error": (lhr.get("runtimeError") or {}).get("code")}


def browser_name() -> str:
    """The browser audited, as the table's note names it."""
    wanted = wanted_chromium()
    return "Debian's Chromium" if wanted == DEFAULT_CHROMIUM else f"the browser at {wanted}"


def markdown(rows: list[dict[str, Any]]) -> str:
    def fmt(value: int | None) -> str:
        return "–" if value is None else str(value)

    version = next((r["version"] for r in rows if r["version"]), "?")
    agent = next((r["agent"] for r in rows if r["agent"]), "")
    chrome = next((part for part in agent.split() if part.startswith(("Chrome/",
                                                                       "HeadlessChrome/"))),
                  "Chromium")
    lines = [
        "# Lighthouse scores",
        "",
        f"Generated by `python3 scripts/lighthouse.py` on {dt.date.today().isoformat()} with "
        f"Lighthouse {version} and {browser_name()} ({chrome}), mobile form factor and "
        "Lighthouse's default simulated throttling, against the site built from this "
        "repository and served on 127.0.0.1. Scores are 0–100; page weight is Lighthouse's "
        "total-byte-weight (everything the page downloads, uncompressed by this server).",
        "",
        "| Page | Path | Performance | Accessibility | Best practices | SEO | Page weight | LCP |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        s = r["scores"]
        weight = "–" if r["bytes"] is None else f"{r['bytes'] / 1024:.0f} KiB"
        lines.append(f"| {r['label']} | `{r['path']}` | {fmt(s['performance'])} | "
                     f"{fmt(s['accessibility'])} | {fmt(s['best-practices'])} | "
                     f"{fmt(s['seo'])} | {weight} | {r['lcp'] or '–'} |")
    errors = [r for r in rows if r["error"]]
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
              "network, so it moves by about ±10 points with the load of the machine; compare "
              "runs on the same, otherwise idle machine only. Lighthouse does not audit a "
              "page answered with status 404, so the 404 page has no scores here (the "
              "browser tests in tests/browser check it).", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lighthouse-dir", type=Path, default=None,
                        help="folder to install lighthouse into and reuse (default: a "
                             "temporary folder, removed afterwards)")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="Markdown file to write")
    args = parser.parse_args()
    if not shutil.which(chromium_path()):
        sys.exit(f"lighthouse.py: Chromium is needed at {chromium_path()} (apt-get install "
                 "chromium, or set EXPLAINER_CHROMIUM to a Chromium or Chrome binary)")

    with tempfile.TemporaryDirectory(prefix="explainer-lighthouse-") as temp:
        work = Path(temp)
        with serving(work / "built" / "site") as server:
            base_url = site_url(server)
            log(f"building the site for {base_url}")
            build(work, base_url)
            binary = install_lighthouse(args.lighthouse_dir or work / "lighthouse")
            rows = []
            for label, path in PAGES:
                log(f"auditing {base_url}{path}")
                lhr = audit(binary, base_url + path, work / "report.json")
                rows.append(row(label, path, lhr))

    text = markdown(rows)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(text)
    shown = args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output
    log(f"wrote {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
