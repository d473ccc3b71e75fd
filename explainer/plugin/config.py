"""The plugin's settings under `plugins: - explainer:` in mkdocs.yml."""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config, ValidationError
from mkdocs.config.defaults import MkDocsConfig


class JsonData(c.Type[dict]):
    """A mapping of what JSON-LD can carry: text, numbers, booleans, lists and mappings."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(dict, **kwargs)

    def run_validation(self, value: object) -> dict:
        mapping = super().run_validation(value)
        problem = _not_json(mapping, "")
        if problem is not None:
            raise ValidationError(problem)
        return mapping


def _not_json(value: object, path: str) -> str | None:
    """What in `value` JSON cannot carry, and how to write it, or None."""
    if isinstance(value, datetime.date):
        return (f"{path} is a date as YAML reads it; put it in quotes: "
                f"\"{value.isoformat()}\"")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                return f"the key {key!r} in {path or 'it'} must be text; put it in quotes"
            problem = _not_json(item, f"{path}.{key}" if path else key)
            if problem is not None:
                return problem
        return None
    if isinstance(value, list):
        for index, item in enumerate(value):
            problem = _not_json(item, f"{path}[{index}]")
            if problem is not None:
                return problem
        return None
    if value is None or isinstance(value, str | int | float | bool):
        return None
    return f"{path} must be text, a number, true or false, a list or a mapping"


class Intros(c.Type[dict]):
    """kind -> the sentence under its index page's title."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(dict, **kwargs)

    def run_validation(self, value: object) -> dict:
        from ..diagnostics import did_you_mean
        from ..kinds import KINDS

        intros = super().run_validation(value)
        for kind, text in intros.items():
            if kind not in KINDS:
                raise ValidationError(f"'{kind}' is not a kind of fact"
                                      f"{did_you_mean(str(kind), KINDS)}; the kinds are "
                                      f"{', '.join(KINDS)}")
            if not isinstance(text, str) or not text.strip():
                raise ValidationError(f"the intro of {kind} must be a sentence of text")
        return intros


class CacheDir(c.Type[str]):
    """A folder of the explainer's own, relative to mkdocs.yml; made when first needed."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(str, **kwargs)
        self.config_dir: str | None = None

    def pre_validation(self, config: Config, key_name: str) -> None:
        self.config_dir = (os.path.dirname(config.config_file_path)
                           if config.config_file_path else None)

    def run_validation(self, value: object) -> str:
        folder = super().run_validation(value)
        path = Path(self.config_dir or ".", folder)
        # The nearest part of the path that exists must be a folder to make it in.
        existing = next((part for part in (path, *path.parents) if part.exists()), None)
        if existing is not None and not existing.is_dir():
            raise ValidationError(f"'{folder}' cannot be a folder: "
                                  f"{os.path.relpath(existing, self.config_dir or '.')} is a "
                                  "file; give the explainer plugin a cache_dir of its own, "
                                  "such as .cache")
        return folder


class ExplainerConfig(Config):
    data_dir = c.Type(str, default="data")
    # Where `explainer/<name>.html` overrides one of the page templates: by default the
    # theme's custom_dir, else overrides/.
    templates_dir = c.Optional(c.Type(str))
    author = c.Type(str, default="The editors")
    publisher = c.Type(str, default="The editors")
    licence = c.Type(str, default="")
    # schema.org Event the whole explainer is about: name, startDate, location...
    about = JsonData(default={})
    # The sentence under an index page's title, by kind, where the site words its own:
    # `questions: What the summit left unanswered: ...`
    intros = Intros(default={})
    cards = c.Type(bool, default=True)
    cache_dir = CacheDir(default=".cache")
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
