"""A generated page's body goes to the site as the templates wrote it, not through Markdown.

The explainer's templates write complete HTML blocks, one after another on lines of their
own, with every text from the data inside an element. Markdown hands such a body back
unchanged (each block on its line), so converting it only costs time: on a large site,
most of the build's. The build converts the page's heading alone and appends the body.
The anchors MkDocs would have found in that HTML (for checking links to them) are found
here. A site whose overrides/ replace any of these templates keeps the Markdown path: its
templates may be written in Markdown.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from .templates import SITE_TEMPLATE_DIR


def writes_html_as_is(site_templates: Path) -> bool:
    """False when the site overrides one of the explainer's templates."""
    folder = site_templates / SITE_TEMPLATE_DIR
    return not (folder.is_dir() and any(folder.rglob("*.html")))


def body_of(markdown: str, heading: str) -> str | None:
    """The body after the page's heading, or None when the Markdown does not start with
    it (another plugin changed it: it is converted whole, as before)."""
    if not heading or not markdown.startswith(heading):
        return None
    return markdown[len(heading):]


def with_body(heading_html: str, body: str) -> str:
    """The page's HTML as Markdown would give it: the heading, then the body's blocks."""
    body = body.strip("\n")
    return f"{heading_html}\n{body}" if body.strip() else heading_html


_START_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)(\s[^<>]*)>")
_ATTRIBUTE = re.compile(r"""\s([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def anchor_ids(body: str) -> set[str]:
    """Every id (and <a name>) in the body, as MkDocs' parser of raw HTML collects them."""
    found: set[str] = set()
    for tag in _START_TAG.finditer(body):
        attributes = tag.group(2)
        if "id" not in attributes and "name" not in attributes:
            continue
        name = tag.group(1).lower()
        for attribute in _ATTRIBUTE.finditer(attributes):
            key = attribute.group(1).lower()
            if key == "id" or (key == "name" and name == "a"):
                value = attribute.group(2)
                found.add(html.unescape(value if value is not None else attribute.group(3)))
    return found
