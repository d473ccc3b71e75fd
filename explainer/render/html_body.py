"""A generated page's body goes to the site as the templates wrote it, not through Markdown.

The explainer's templates write complete HTML blocks, one after another on lines of their
own, with every text from the data inside an element. Markdown hands such a body back
unchanged (each block on its line), so converting it only costs time: on a large site,
most of the build's. The build converts the page's heading alone and appends the body.
The anchors MkDocs would have found in that HTML (for checking links to them) are found
here.

Markdown would change the body in two ways only, both wrong for text from the data: a
line of a text field that reads as a code fence (``` or ~~~) became code, swallowing the
page's HTML up to the next such line, and tabs became spaces. Here the text stays as
written. The Markdown path stays where Markdown may be meant: a site whose overrides/
replace one of the templates (which may be written in Markdown), one with Markdown
extensions beyond those known to leave raw HTML alone, and a page another plugin changed.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from .templates import template_folders

# Python-Markdown's and MkDocs' own extensions that never rewrite raw HTML blocks (MkDocs
# always adds tables and fenced_code).
HTML_SAFE_EXTENSIONS = frozenset((
    "abbr", "admonition", "attr_list", "def_list", "fenced_code", "footnotes", "meta",
    "sane_lists", "smarty", "tables", "toc",
))


def writes_html_as_is(site_templates: Path, extensions: list[object]) -> bool:
    """False when the site overrides one of the explainer's templates, or converts
    Markdown with an extension that may rewrite raw HTML."""
    folder = template_folders(site_templates)[0]  # the site's own, before the package's
    if folder.is_dir() and any(folder.rglob("*.html")):
        return False
    return all(isinstance(name, str) and name.removeprefix("markdown.extensions.")
               in HTML_SAFE_EXTENSIONS for name in extensions)


def body_of(markdown: str, heading: str, source: str) -> str | None:
    """The body after the page's heading, or None when the Markdown is not the page as
    the explainer wrote it (`source`, front matter included): another plugin changed it,
    and it is converted whole."""
    if not heading or not markdown.startswith(heading) or not source.endswith(markdown):
        return None
    return markdown[len(heading):]


def with_body(heading_html: str, body: str) -> str:
    """The page's HTML as Markdown would give it: the heading, then the body's blocks."""
    body = body.strip("\n")
    return f"{heading_html}\n{body}" if body.strip() else heading_html


_HIDDEN = re.compile(r"<!--.*?-->|<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_START_TAG = re.compile(r"""<([a-zA-Z][a-zA-Z0-9-]*)((?:[^<>"']|"[^"]*"|'[^']*')*)>""")
_ATTRIBUTE = re.compile(
    r"""(?:^|(?<=[\s"'/]))([^\s"'<>/=]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""")


def anchor_ids(body: str) -> set[str]:
    """Every id (and <a name>) in the body, as MkDocs' parser of raw HTML collects them:
    in start tags, not in comments or scripts; names in any case, values quoted or not."""
    found: set[str] = set()
    for tag in _START_TAG.finditer(_HIDDEN.sub("", body)):
        name = tag.group(1).lower()
        for attribute in _ATTRIBUTE.finditer(tag.group(2)):
            key = attribute.group(1).lower()
            if key == "id" or (key == "name" and name == "a"):
                value = next(v for v in attribute.groups()[1:] if v is not None)
                found.add(html.unescape(value))
    return found
