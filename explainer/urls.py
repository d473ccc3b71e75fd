"""Where each entity lives on the site, and links between pages as relative URLs.

Relative URLs keep the site working from any sub-path (GitHub Pages) and from disk.
"""

from __future__ import annotations

import functools
import posixpath
import re
from urllib.parse import urlsplit

from .kinds import KINDS, kind_of
from .models import Entity

# Files the explainer writes beside the pages, site-relative.
DATA_DIR = "data"  # the open data
FEED_PATH = "changes/feed.xml"


def export_paths() -> list[str]:
    """The site-relative path of every open data file, without making them: what
    `export.export_files` writes."""
    return [*(f"{DATA_DIR}/{kind}.json" for kind in KINDS), f"{DATA_DIR}/all.json",
            *(f"{DATA_DIR}/{kind.name}.csv" for kind in KINDS.values() if kind.csv_columns),
            f"{DATA_DIR}/history.json",
            *(f"{DATA_DIR}/schemas/{kind}.schema.json" for kind in KINDS),
            f"{DATA_DIR}/timeline.json"]


def anchor(kind: str, entity_id: str) -> str:
    return f"{KINDS[kind].anchor_prefix}-{entity_id}"


def page_heading_id(kind: str, entity_id: str) -> str:
    """The id of the heading of an entity's own page ('actor-putin'): prefixed, so that
    no id can make it equal one of the page's section ids ('quotes')."""
    return f"{KINDS[kind].singular}-{entity_id}"


def index_url(kind: str) -> str:
    """The page that lists a kind ('actors/'); for a hosted kind, its host's index."""
    record = KINDS[kind]
    if record.index is None:
        return index_url(str(record.host))
    return record.index.url


def entity_url(kind: str, entity_id: str, owner: str | None = None) -> str:
    """Site-relative URL ('actors/putin/', 'questions/#question-territory').

    A hosted kind (quotes, positions) lives on its host entity's page: `owner` names it
    (the actor of a quote, the issue of a position); `fact_url` finds it."""
    record = KINDS[kind]
    base = index_url(kind)
    if record.own_pages:
        return f"{base}{entity_id}/"
    if owner is not None:
        base = f"{base}{owner}/"
    return f"{base}#{anchor(kind, entity_id)}"


def fact_url(entity: Entity) -> str:
    """Site-relative URL of any entity, on its host's page when it has one."""
    record = kind_of(entity)
    owner = getattr(entity, record.host_field) if record.host_field else None
    return entity_url(record.name, entity.key, owner)


def absolute(site_url: str, url: str) -> str:
    """A site-relative URL under the published address: for feeds and structured data."""
    return site_url.rstrip("/") + "/" + url


def src_path(url: str) -> str:
    """The Markdown source path MkDocs needs for a directory URL ('actors/putin/')."""
    url = url.split("#")[0]
    return f"{url}index.md" if url.endswith("/") or not url else f"{url}.md"


@functools.lru_cache(maxsize=65536)
def relative(target: str, from_page: str) -> str:
    """`target` (site-relative) as seen from the page at `from_page` (site-relative).
    Cached: a large site asks for the same few thousand links from page after page."""
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


def site_url_problem(site_url: str | None) -> str | None:
    """Why `site_url` cannot be the published address, or None. It goes into canonical
    links, og:url, the sitemap and the feed, so it must be a plain absolute http(s) URL
    of a folder: no spaces, quotes or angle brackets, no query or fragment."""
    example = "e.g. https://example.org/alaska-summit/"
    if not site_url:
        return ("site_url is empty (is SITE_URL set to nothing?); set it to the address "
                f"the site is published at, {example}")
    shown = site_url if len(site_url) <= 80 else site_url[:79] + "…"
    shown = shown.encode("unicode_escape").decode("ascii")
    try:
        parts = urlsplit(site_url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return f"site_url '{shown}' is not a valid URL, {example}"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"site_url '{shown}' must start with http:// or https:// and name a host, {example}"
    if any(c.isspace() or c in _UNSAFE_IN_URL or ord(c) < 32 or ord(c) == 127
           for c in site_url):
        return (f"site_url '{shown}' contains a space, quote, angle bracket or control "
                f"character; percent-encode it or remove it, {example}")
    if parts.query or parts.fragment or "?" in site_url or "#" in site_url:
        return f"site_url '{shown}' must not have a ?query or #fragment, {example}"
    if parts.username or parts.password:
        return f"site_url '{shown}' must not carry a user name or password, {example}"
    if _port_problem(parts.netloc):
        return (f"site_url '{shown}' has a port that is not a number from 1 to 65535; "
                f"correct it or leave the port out, {example}")
    if _BAD_ESCAPE.search(site_url):
        return (f"site_url '{shown}' has a % not followed by two hexadecimal digits; "
                f"write a literal % as %25, {example}")
    if not _valid_host(parts.hostname or ""):
        return (f"site_url '{shown}' has no valid host name (empty parts, or a part that "
                f"starts or ends with '-'), {example}")
    return None


_UNSAFE_IN_URL = set("\"'<>`\\{}|^")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_PORT = re.compile(r":([^:\]]*)$")  # after the host, or after an [IPv6] literal


def _port_problem(netloc: str) -> bool:
    """An empty port ('example.org:'), or one out of range; urlsplit allows both."""
    port = _PORT.search(netloc.rpartition("@")[2])
    if port is None:
        return False
    digits = port.group(1)
    return not (digits.isascii() and digits.isdigit() and 1 <= int(digits) <= 65535)


def _valid_host(host: str) -> bool:
    """A name of non-empty dot-separated labels of at most 63 characters, none starting
    or ending with '-'; a final dot (a fully qualified name) is allowed. IP literals pass."""
    if ":" in host:
        return True  # an IPv6 literal, which urlsplit has already checked
    labels = host.removesuffix(".").split(".")
    return all(label and len(label) <= 63 and not label.startswith("-")
               and not label.endswith("-") for label in labels)
