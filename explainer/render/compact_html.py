"""A page's HTML without the blank lines and indentation the theme's templates leave.

Next to a tag, a run of white space that holds a line break becomes one line break: the
browser renders both the same (white space collapses to one space, and a break is white
space too), except where white space is kept. So the text of <pre>, <textarea>, <code>
and <kbd> (which Material sets `pre-wrap`), and <script> and <style>, is left exactly as
it is, as is white space inside a tag or between two words.
"""

from __future__ import annotations

import re

_SPACE = r"[ \t\r\n\f]*\n[ \t\r\n\f]*"
_TOKEN = re.compile(
    r"<(pre|textarea|code|kbd|script|style)\b.*?</\1\s*>"  # kept as it is
    rf"|>{_SPACE}"  # after a tag
    rf"|{_SPACE}(?=<)",  # before one
    re.IGNORECASE | re.DOTALL)


def compact_html(page: str) -> str:
    return _TOKEN.sub(_compacted, page)


def _compacted(match: re.Match[str]) -> str:
    if match.group(1) is not None:
        return match.group()
    return ">\n" if match.group().startswith(">") else "\n"
