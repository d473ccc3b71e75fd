"""A page's HTML without the blank lines and indentation the theme's templates leave.

Outside tags, a run of white space that holds a line break becomes one line break: the
browser renders both the same (white space collapses to one space, and a break is white
space too), except where white space is kept. So the text of <pre>, <textarea>, <code>
and <kbd> (which Material sets `pre-wrap`), <script> and <style>, comments, and every tag
with its attribute values are left exactly as they are.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(
    r"<(pre|textarea|code|kbd|script|style)\b(?:<!--.*?-->|.)*?</\1\s*>"  # kept as it is
    r"|<!--.*?-->"  # a comment, kept
    r"""|<[^<>"']*(?:(?:"[^"]*"|'[^']*')[^<>"']*)*>"""  # a tag, quoted values and all
    r"|[ \t\r\n\f]+",  # white space between them
    re.IGNORECASE | re.DOTALL)


def compact_html(page: str) -> str:
    return _TOKEN.sub(_compacted, page)


def _compacted(match: re.Match[str]) -> str:
    text = match.group()
    if text[0] == "<" or "\n" not in text:
        return text
    return "\n"
