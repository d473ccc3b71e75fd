"""Where each entity lives on the site, and links between pages as relative URLs.

Relative URLs keep the site working from any sub-path (GitHub Pages) and from disk.
"""

from __future__ import annotations

import posixpath

# kind -> (page path of its index, whether each entity has a page of its own)
SECTIONS: dict[str, tuple[str, bool]] = {
    "actors": ("actors/", True),
    "issues": ("issues/", True),
    "questions": ("questions/", False),
    "events": ("timeline/", False),
    "sources": ("sources/", False),
    "updates": ("changes/", False),
    "quotes": ("actors/", False),
    "positions": ("issues/", False),
}
ANCHOR_PREFIX = {"questions": "question", "events": "event", "sources": "source",
                 "updates": "update", "quotes": "quote", "positions": "position"}


def anchor(kind: str, entity_id: str) -> str:
    return f"{ANCHOR_PREFIX[kind]}-{entity_id}"


def entity_url(kind: str, entity_id: str, owner: str | None = None) -> str:
    """Site-relative URL ('actors/putin/', 'questions/#question-territory').

    Quotes and positions live on another entity's page: `owner` names it (the actor of a
    quote, the issue of a position)."""
    base, own_page = SECTIONS[kind]
    if own_page:
        return f"{base}{entity_id}/"
    if owner is not None:
        base = f"{base}{owner}/"
    return f"{base}#{anchor(kind, entity_id)}"


def src_path(url: str) -> str:
    """The Markdown source path MkDocs needs for a directory URL ('actors/putin/')."""
    url = url.split("#")[0]
    return f"{url}index.md" if url.endswith("/") or not url else f"{url}.md"


def relative(target: str, from_page: str) -> str:
    """`target` (site-relative) as seen from the page at `from_page` (site-relative)."""
    path, _, fragment = target.partition("#")
    start = from_page.rstrip("/") or "."
    rel = posixpath.relpath(path.rstrip("/") or ".", start)
    if path.endswith("/") or not path:
        rel = "./" if rel == "." else rel + "/"
    if fragment:
        if path == from_page:
            return f"#{fragment}"
        rel += f"#{fragment}"
    return rel
