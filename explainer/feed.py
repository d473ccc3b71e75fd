"""The public change log as an Atom feed, built from data/updates.yaml."""

from __future__ import annotations

import html
import re
from datetime import UTC
from xml.etree import ElementTree as ET

from .changelog import change_html, update_changes
from .dates import FactDates
from .markup import first_sentence, render_markdown
from .models import Update
from .render.text import entity_label
from .store import Dataset
from .urls import FEED_PATH, absolute, fact_url, index_url

ATOM = "http://www.w3.org/2005/Atom"


def atom_feed(dataset: Dataset, *, site_name: str, site_url: str, author: str,
              dates: FactDates | None = None) -> bytes:
    """Newest first; each entry titled by its summary's first sentence and listing the
    fact-level changes it stands for (before → after) when the history is known."""
    dates = dates or FactDates()
    changes = update_changes(dataset, dates.history)
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")

    def add(parent: ET.Element, tag: str, text: str | None = None,
            **attributes: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}",
                                {name: xml_chars(value) for name, value in attributes.items()})
        if text is not None:
            element.text = xml_chars(text)  # ElementTree escapes it, once
        return element

    updates = dataset.updates_newest_first
    add(feed, "title", f"{site_name}: what changed")
    add(feed, "id", absolute(site_url, FEED_PATH))
    add(feed, "link", href=absolute(site_url, FEED_PATH), rel="self")
    add(feed, "link", href=absolute(site_url, index_url("updates")), rel="alternate")
    stamps = {update.id: _stamp(update, dates) for update in updates}
    add(feed, "updated", max(stamps.values(), default="1970-01-01T00:00:00Z"))
    add(add(feed, "author"), "name", author)
    for update in updates:
        entry = add(feed, "entry")
        title = first_sentence(update.summary)
        add(entry, "title", f"Correction: {title}" if update.kind == "correction" else title)
        add(entry, "id", absolute(site_url, fact_url(update)))
        add(entry, "link", href=absolute(site_url, fact_url(update)), rel="alternate")
        add(entry, "updated", stamps[update.id])
        # HTML carried as text (type="html"): escaped here for HTML, then by ElementTree
        # for XML, so a reader unescapes it twice and shows exactly what the data says.
        summary = str(render_markdown(update.summary, inline=False))
        if update.corrected:
            summary += ("<p>Correction: an earlier version said "
                        f"<del>{html.escape(update.corrected)}</del></p>")
        listed = changes.get(update.id, [])
        if listed:
            summary += "<ul>" + "".join(
                f"<li>{html.escape(entity_label(dataset, c.kind, c.key))}: {change_html(c)}</li>"
                for c in listed) + "</ul>"
        add(entry, "content", summary, type="html")
        for ref in update.touches:
            add(entry, "category", term=ref)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def _stamp(update: Update, dates: FactDates) -> str:
    """When the entry was published: its commit, else the date it gives."""
    added = [c.when for c in dates.changes(update) if c.action == "added"]
    if added:
        return added[0].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{update.date.isoformat()}T00:00:00Z"


# Characters XML 1.0 forbids even as character references: C0 controls other than tab,
# LF and CR, surrogates, U+FFFE and U+FFFF. One of them makes the whole feed unreadable.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_chars(text: str) -> str:
    """Text with every character XML 1.0 forbids replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)
