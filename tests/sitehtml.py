"""Reading built HTML back: links, ids, scripts and text of a page, with the stdlib parser."""

from __future__ import annotations

import html
import posixpath
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit


@dataclass
class ParsedPage:
    path: Path
    url: str  # site-relative, e.g. "actors/putin/"
    links: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    scripts: list[tuple[dict, str]] = field(default_factory=list)
    event_attributes: list[tuple[str, str]] = field(default_factory=list)
    text: str = ""
    tags: list[tuple[str, dict]] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self, page: ParsedPage):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.chunks: list[str] = []
        self.in_script: dict | None = None
        self.script_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.page.tags.append((tag, attributes))
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.page.event_attributes.append((tag, name))
            if name == "id" and value:
                self.page.ids.add(value)
        if tag == "a" and attributes.get("href") is not None:
            self.page.links.append(attributes["href"])
        if tag == "script":
            self.in_script = attributes
            self.script_text = []

    def handle_endtag(self, tag):
        if tag == "script" and self.in_script is not None:
            self.page.scripts.append((self.in_script, "".join(self.script_text)))
            self.in_script = None

    def handle_data(self, data):
        if self.in_script is not None:
            self.script_text.append(data)
        else:
            self.chunks.append(data)


def parse_page(site: Path, path: Path) -> ParsedPage:
    relative = path.relative_to(site).as_posix()
    url = relative[: -len("index.html")] if relative.endswith("index.html") else relative
    page = ParsedPage(path, url)
    parser = _Parser(page)
    parser.feed(path.read_text(encoding="utf-8"))
    page.text = " ".join(" ".join(parser.chunks).split())
    return page


def parse_site(site: Path) -> dict[str, ParsedPage]:
    return {p.url: p for p in (parse_page(site, f) for f in sorted(site.rglob("*.html")))}


def resolve(page_url: str, href: str) -> tuple[str, str] | None:
    """A relative link from `page_url` as (site-relative URL, fragment); None if external."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith("/"):
        return None
    target, fragment = urldefrag(href)
    if not target:
        return page_url, fragment
    base = posixpath.dirname(page_url.rstrip("/")) if not page_url.endswith("/") else page_url
    joined = posixpath.normpath(posixpath.join(base or ".", target))
    if joined == ".":
        joined = ""
    elif target.endswith("/") or posixpath.basename(target) in ("", ".", ".."):
        joined += "/"
    return joined, fragment


def unescape(text: str) -> str:
    return html.unescape(text)
