"""What the plugin adds to the theme: its template layer and its stylesheet and script.

The package's `theme/` sits between the site's `custom_dir` and Material, so a site
overrides any of its templates (`main.html`, `404.html`, `partials/`) with a file of the
same name in its own `custom_dir`. The assets are published at `assets/`, unless the
site has a file of that name, which then wins; the stylesheet is made of the parts in
`assets/css/` and the script of those in `assets/js/`.
"""

from __future__ import annotations

import functools
from pathlib import Path
from urllib.parse import quote

import rcssmin
import rjsmin
from markupsafe import Markup
from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_theme_dir

from .palette import colours_used, palette_file, palette_subset

PACKAGE = Path(__file__).resolve().parent.parent
THEME_DIR = PACKAGE / "theme"
ASSETS_DIR = PACKAGE / "assets"
STYLESHEET = "assets/explainer.css"
SCRIPT = "assets/new-since-visit.js"
MATERIAL_FAVICON = "assets/images/favicon.png"
# The explainer's mark, written into each page's head: no request of its own.
FAVICON_URI = "data:image/svg+xml," + quote(
    (ASSETS_DIR / "favicon.svg").read_text(encoding="utf-8").strip(), safe=" =:/,.-")


def add_theme_layer(config: MkDocsConfig) -> None:
    """The package's templates just before the theme's own: after the site's custom_dir
    and any folder another plugin put first."""
    dirs = config.theme.dirs
    if str(THEME_DIR) in dirs:
        return
    theme_dir = Path(get_theme_dir(config.theme.name)) if config.theme.name else None
    at = next((index for index, folder in enumerate(dirs) if Path(folder) == theme_dir),
              len(dirs))
    dirs.insert(at, str(THEME_DIR))


def link_assets(config: MkDocsConfig) -> None:
    """The stylesheet in every page's head before the site's own, the script after; the
    explainer's mark as the icon unless the site chose one (a small SVG in the page,
    where Material's own is a PNG of two kilobytes, fetched)."""
    if config.theme.get("favicon") == MATERIAL_FAVICON:
        config.theme["favicon"] = FAVICON_URI
    if STYLESHEET not in config.extra_css:
        # Before the site's own stylesheets, where Material links its palette: a site's
        # rule wins over the explainer's (and the palette's) at the same specificity.
        config.extra_css.insert(0, STYLESHEET)
    if not any(str(script) == SCRIPT for script in config.extra_javascript):
        config.extra_javascript.append(ExtraScriptValue(SCRIPT))


def stylesheet(palette_rules: str = "") -> bytes:
    """The stylesheet: the rules of Material's palette the site uses, then the parts in
    assets/css/ in name order, as one minified file (one request). Each part is a concern
    of its own: layout, print, colour schemes..."""
    return rcssmin.cssmin(palette_rules + "\n" + _joined("css")).encode() + b"\n"


def add_assets(files: Files, config: MkDocsConfig) -> None:
    if files.get_file_from_path(STYLESHEET) is None:
        palette = _material_palette(config)
        rules = ""
        if palette is not None:
            rules = palette_subset(palette.read_text(encoding="utf-8"),
                                   colours_used(config.theme.get("palette")))
            # main.html leaves Material's link to the whole palette out.
            config.theme["explainer_palette"] = palette.relative_to(
                get_theme_dir("material")).as_posix()
        files.append(File.generated(config, STYLESHEET, content=stylesheet(rules)))
    if files.get_file_from_path(SCRIPT) is None:
        files.append(File.generated(config, SCRIPT, content=_script()))


def _material_palette(config: MkDocsConfig) -> Path | None:
    """Material's palette stylesheet, when the theme is Material with a palette set."""
    if config.theme.name != "material" or not config.theme.get("palette"):
        return None
    return palette_file(Path(get_theme_dir("material")))


def _script() -> bytes:
    """The script: the parts in assets/js/, in name order, as one minified file."""
    return rjsmin.jsmin(_joined("js")).encode() + b"\n"


def minified_script(text: str) -> Markup:
    """An inline script of a template, minified: the filter `explainer_jsmin`."""
    return Markup(_minified(str(text)))


@functools.lru_cache(maxsize=16)  # the same few scripts on every page
def _minified(text: str) -> str:
    return rjsmin.jsmin(text).strip()


def _joined(extension: str) -> str:
    parts = sorted((ASSETS_DIR / extension).glob(f"*.{extension}"))
    return "\n".join(part.read_text(encoding="utf-8").rstrip("\n") for part in parts)
