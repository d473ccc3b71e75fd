"""What the plugin adds to the theme: its template layer and its stylesheet and script.

The package's `theme/` sits between the site's `custom_dir` and Material, so a site
overrides any of its templates (`main.html`, `404.html`, `partials/`) with a file of the
same name in its own `custom_dir`. The assets are published at `assets/`, unless the
site has a file of that name, which then wins; the stylesheet is made of the parts in
`assets/css/` and the script of those in `assets/js/`.
"""

from __future__ import annotations

from pathlib import Path

import rcssmin
import rjsmin
from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_theme_dir

PACKAGE = Path(__file__).resolve().parent.parent
THEME_DIR = PACKAGE / "theme"
ASSETS_DIR = PACKAGE / "assets"
STYLESHEET = "assets/explainer.css"
SCRIPT = "assets/new-since-visit.js"
FAVICON = "assets/favicon.svg"
MATERIAL_FAVICON = "assets/images/favicon.png"


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
    """The stylesheet and script in every page's head, after the site's own; the
    explainer's mark as the icon unless the site chose one (a small SVG, where Material's
    own is a PNG of several kilobytes)."""
    if config.theme["favicon"] == MATERIAL_FAVICON:
        config.theme["favicon"] = FAVICON
    if STYLESHEET not in config.extra_css:
        config.extra_css.append(STYLESHEET)
    if not any(str(script) == SCRIPT for script in config.extra_javascript):
        config.extra_javascript.append(ExtraScriptValue(SCRIPT))


def stylesheet() -> bytes:
    """The stylesheet: the parts in assets/css/, in name order, as one minified file (one
    request). Each part is a concern of its own: layout, print, colour schemes..."""
    return rcssmin.cssmin(_joined("css")).encode() + b"\n"


def add_assets(files: Files, config: MkDocsConfig) -> None:
    for path, content in ((STYLESHEET, stylesheet), (SCRIPT, _script),
                          (FAVICON, (ASSETS_DIR / "favicon.svg").read_bytes)):
        if files.get_file_from_path(path) is None:
            files.append(File.generated(config, path, content=content()))


def _script() -> bytes:
    """The script: the parts in assets/js/, in name order, as one minified file."""
    return rjsmin.jsmin(_joined("js")).encode() + b"\n"


def _joined(extension: str) -> str:
    parts = sorted((ASSETS_DIR / extension).glob(f"*.{extension}"))
    return "\n".join(part.read_text(encoding="utf-8").rstrip("\n") for part in parts)
