"""Material's colour palette cut down to the colours a site uses.

Material links one palette stylesheet with every scheme, primary and accent colour it
offers (about 2 KiB compressed, a request of its own); a site uses two schemes and one
or two colours. The rules for those are kept and sent inside the explainer's own
stylesheet, and the theme layer leaves Material's link out (`main.html`, block styles).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_ATTRIBUTE = re.compile(r"data-md-color-(scheme|primary|accent)=([\w-]+)")
# A colour a selector rules out (`:not([data-md-color-scheme=slate])`) is no condition.
_NEGATION = re.compile(r":not\([^()]*\)")
_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
# What Material's base.html assumes where a palette entry leaves a setting out.
_DEFAULTS = {"scheme": "default", "primary": "indigo", "accent": "indigo"}


def palette_file(theme_dir: Path) -> Path | None:
    """Material's palette stylesheet (its name carries a content hash)."""
    found = sorted((theme_dir / "assets" / "stylesheets").glob("palette.*.min.css"))
    return found[0] if found else None


def colours_used(palette: Any) -> set[tuple[str, str]]:
    """(setting, value) pairs of every entry of `theme.palette`, one mapping or a list."""
    entries = palette if isinstance(palette, list) else [palette]
    used = set()
    for entry in entries:
        if isinstance(entry, dict):
            for setting, default in _DEFAULTS.items():
                # As Material's base.html writes it into the page: "deep purple" is
                # data-md-color-primary="deep-purple".
                used.add((setting, str(entry.get(setting) or default).replace(" ", "-")))
    return used


def palette_subset(css: str, used: set[tuple[str, str]]) -> str:
    """The rules of `css` that apply with the colours in `used`: a selector naming any
    other scheme or colour is dropped, and a rule left with no selector goes."""
    return "".join(_kept(_COMMENT.sub("", css), used))


def _kept(css: str, used: set[tuple[str, str]]) -> Iterator[str]:
    for prelude, body, nested in _rules(css):
        if nested:
            inner = "".join(_kept(body, used))
            if inner:
                yield f"{prelude}{{{inner}}}"
            continue
        selectors = [selector for selector in prelude.split(",")
                     if all(pair in used
                            for pair in _ATTRIBUTE.findall(_NEGATION.sub("", selector)))]
        if selectors:
            yield f"{','.join(selectors)}{{{body}}}"


def _rules(css: str) -> Iterator[tuple[str, str, bool]]:
    """(prelude, body, is an at-rule with rules inside) for each top-level rule."""
    at = 0
    while (opening := css.find("{", at)) != -1:
        prelude = css[at:opening]
        if prelude.lstrip().startswith("@"):
            depth, end = 1, opening + 1
            while depth and end < len(css):
                depth += {"{": 1, "}": -1}.get(css[end], 0)
                end += 1
            yield prelude, css[opening + 1:end - 1], True
        else:
            end = css.find("}", opening) + 1 or len(css)
            yield prelude, css[opening + 1:end - 1], False
        at = end
