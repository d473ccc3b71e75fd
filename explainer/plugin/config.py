"""The plugin's settings under `plugins: - explainer:` in mkdocs.yml."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig


class ExplainerConfig(Config):
    data_dir = c.Type(str, default="data")
    # Where `explainer/<name>.html` overrides one of the page templates: by default the
    # theme's custom_dir, else overrides/.
    templates_dir = c.Optional(c.Type(str))
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
    # On a large site (Linux), render the generated pages in a second process while MkDocs
    # converts the first ones; the output is the same either way.
    background_render = c.Type(bool, default=True)
    # A passed review_by date is a note under the build and a "Due for review" entry for
    # readers; true makes it a warning, which fails the (strict) build.
    review_dates_block_build = c.Type(bool, default=False)


def site_templates_dir(root: Path, settings: ExplainerConfig, config: MkDocsConfig) -> Path:
    """The site's folder of template overrides, as an absolute path."""
    if settings.templates_dir:
        return root / settings.templates_dir
    custom_dir = config.theme.custom_dir
    return Path(custom_dir) if custom_dir else root / "overrides"
