#!/usr/bin/env python3
"""Full-page screenshots of the front page, the matrix, an actor page and the timeline,
at 1280 px and 375 px, light and dark, into docs/screenshots/.

    python3 scripts/screenshots.py                       build this checkout, then shoot
    python3 scripts/screenshots.py --site DIR --out DIR  shoot a site built elsewhere

The site is served on 127.0.0.1 as a static host serves it and opened in the browser the
tests use (Debian's Chromium unless EXPLAINER_CHROMIUM names another), with the colour
scheme the reader's system asks for. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from explainer.localsite import build_site, serving, site_url  # noqa: E402
from explainer.testing import CHROMIUM_ARGS, chromium_path  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from venv_python import reexec_in_venv  # noqa: E402

PAGES = {"front-page": "", "matrix": "issues/", "actor-putin": "actors/putin/",
         "timeline": "timeline/"}
SIZES = {"desktop-1280": {"width": 1280, "height": 900},
         "phone-375": {"width": 375, "height": 812}}
SCHEMES = ("light", "dark")


def shoot(site: Path, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with serving(site) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium_path()),
                                             args=CHROMIUM_ARGS)
        for scheme in SCHEMES:
            for size, viewport in SIZES.items():
                context = browser.new_context(viewport=viewport, color_scheme=scheme)
                page = context.new_page()
                for name, path in PAGES.items():
                    page.goto(site_url(server) + path, wait_until="networkidle")
                    target = out / f"{name}-{size}-{scheme}.png"
                    page.screenshot(path=str(target), full_page=True)
                    _shrink(target)
                    written.append(target)
                context.close()
        browser.close()
    return written


def _shrink(path: Path) -> None:
    """256 colours are plenty for a page of text: a fifth of the bytes in the repository."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def main() -> None:
    reexec_in_venv("playwright")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="a built site folder (default: build this "
                        "checkout into a temporary folder)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="explainer-shots-") as scratch:
        site = args.site
        if site is None:  # this checkout, with its git history for the dates shown
            site = Path(scratch) / "site"
            result = build_site(ROOT, site, "http://127.0.0.1/")
            if result.returncode != 0:
                sys.exit(f"screenshots.py: the build failed:\n{result.stderr}")
        for path in shoot(site.resolve(), args.out.resolve()):
            print(path)


if __name__ == "__main__":
    main()
