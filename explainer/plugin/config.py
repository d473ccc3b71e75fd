"""The plugin's settings under `plugins: - explainer:` in mkdocs.yml."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class ExplainerConfig(Config):
    data_dir = c.Type(str, default="data")
    templates_dir = c.Type(str, default="overrides")
    author = c.Type(str, default="The editors")
    publisher = c.Type(str, default="The editors")
    licence = c.Type(str, default="")
    # schema.org Event the whole explainer is about: name, startDate, location...
    about = c.Type(dict, default={})
    # The sentence under an index page's title, by kind, where the site words its own:
    # `questions: What the summit left unanswered: ...`
    intros = c.Type(dict, default={})
    cards = c.Type(bool, default=True)
    cache_dir = c.Type(str, default=".cache")
    # A passed review_by date is a note under the build and a "Due for review" entry for
    # readers; true makes it a warning, which fails the (strict) build.
    review_dates_block_build = c.Type(bool, default=False)
