"""Per-page metadata for search engines and social media: JSON-LD, Open Graph, dates.

Pure functions of the dataset and the page; the theme template only prints the result.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from .models import Actor, Quote
from .store import Dataset
from .urls import absolute, entity_url, page_heading_id


@dataclass(frozen=True)
class PageMeta:
    title: str
    description: str
    url: str  # absolute, canonical
    image: str  # absolute URL of the page's card
    published: date | None
    modified: date | None
    json_ld: str  # safe to place inside <script type="application/ld+json">


def first_published(dataset: Dataset) -> date | None:
    return min((u.date for u in dataset.updates.values()), default=None)


def last_modified(dataset: Dataset) -> date | None:
    return max((u.date for u in dataset.updates.values()), default=None)


# Written as \uXXXX inside the JSON: '<', '>' and '&' could end the <script> element or
# open a comment; DEL and C1 controls are parse errors in HTML, and U+2028/U+2029 end a
# line in older JavaScript. json.dumps already escapes the C0 controls.
_UNSAFE_IN_SCRIPT = re.compile("[<>&\u007f-\u009f\u2028\u2029]")


def safe_json(value: Any) -> str:
    """JSON that cannot end its <script> element or open a comment, whatever the data."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # These characters only occur inside JSON strings, where an escape means the same.
    return _UNSAFE_IN_SCRIPT.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _actor_thing(actor: Actor, url: str | None = None) -> dict:
    thing: dict[str, Any] = {
        "@type": "Person" if actor.kind == "person" else "Organization",
        "name": actor.name,
    }
    if url:
        thing["url"] = url
    return thing


def page_meta(*, dataset: Dataset, site_name: str, site_url: str, page_url: str,
              title: str, description: str, updated: date | None,
              mentioned_actors: list[str], actor_id: str | None = None,
              author: str, publisher: str, about: dict | None = None,
              published: date | None = None) -> PageMeta:
    canonical = absolute(site_url, page_url)
    image = absolute(site_url, card_path(page_url))
    published = published or first_published(dataset)
    modified = updated or last_modified(dataset)
    if published and modified and modified < published:
        modified = published
    article: dict[str, Any] = {
        "@type": "NewsArticle",
        "headline": title[:110],
        "description": description,
        "url": canonical,
        "mainEntityOfPage": canonical,
        "image": [image],
        "author": {"@type": "Organization", "name": author},
        "publisher": {"@type": "Organization", "name": publisher},
        "isPartOf": {"@type": "WebSite", "name": site_name, "url": site_url},
        "mentions": [_actor_thing(dataset.actors[a], absolute(site_url, entity_url("actors", a)))
                     for a in mentioned_actors if a in dataset.actors],
    }
    if about:
        article["about"] = {"@type": "Event", **about}
    if published:
        article["datePublished"] = published.isoformat()
    if modified:
        article["dateModified"] = modified.isoformat()
    graph: list[dict[str, Any]] = [article]
    if actor_id is not None and actor_id in dataset.actors:
        graph.append(_actor_entity(dataset, actor_id, canonical))
        graph.extend(_quotation(dataset, quote, canonical, site_url)
                     for quote in dataset.quotes_by_actor.get(actor_id, []))
    document = {"@context": "https://schema.org", "@graph": graph}
    return PageMeta(title, description, canonical, image, published, modified,
                    safe_json(document))


def _actor_entity(dataset: Dataset, actor_id: str, canonical: str) -> dict:
    actor = dataset.actors[actor_id]
    thing = _actor_thing(actor, canonical)
    thing["@id"] = canonical + "#" + page_heading_id("actors", actor.id)
    if actor.role and actor.kind == "person":
        thing["jobTitle"] = actor.role
    elif actor.role:
        thing["description"] = actor.role
    if actor.affiliation and actor.affiliation in dataset.actors:
        parent = dataset.actors[actor.affiliation]
        thing["affiliation" if actor.kind == "person" else "parentOrganization"] = {
            "@type": "Organization", "name": parent.name}
    if actor.aliases:
        thing["alternateName"] = list(actor.aliases)
    return thing


def _quotation(dataset: Dataset, quote: Quote, canonical: str, site_url: str) -> dict:
    source = dataset.sources.get(quote.source)
    based_on: dict[str, Any] = {"@type": "CreativeWork",
                                "name": source.title if source else quote.source,
                                "url": absolute(site_url, entity_url("sources", quote.source))}
    if source and source.url:
        based_on["sameAs"] = source.url
    quotation: dict[str, Any] = {
        "@type": "Quotation",
        "@id": f"{canonical}#quote-{quote.id}",
        "text": quote.text,
        "creator": {"@id": f"{canonical}#{page_heading_id('actors', quote.actor)}"},
        "isBasedOn": based_on,
    }
    if quote.date:
        quotation["dateCreated"] = quote.date.isoformat()
    return quotation


def card_path(page_url: str) -> str:
    """Site-relative path of a page's social card PNG."""
    slug = page_url.strip("/").replace("/", "--") or "index"
    return f"assets/cards/{slug}.png"
