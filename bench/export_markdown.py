#!/usr/bin/env python3
"""Export the Markdown our plugin hands to MkDocs, so plain MkDocs can build the same pages.

    python bench/export_markdown.py PROJECT_ROOT EXPORT_DIR

Runs MkDocs' own build steps up to and including `on_page_markdown` (load_config,
on_config, on_pre_build, get_files, on_files, get_navigation, on_nav, on_pre_page,
read_source, on_page_markdown), in that order, as `mkdocs.commands.build.build` does,
but renders nothing. Each documentation page, hand-written or generated, is written to
EXPORT_DIR/<src_uri> as its front matter (page.meta) followed by the Markdown as it is
after every plugin's on_page_markdown; generated pages whole (our build sends their HTML
bodies past Markdown, plain MkDocs converts them). Other files the plugin or docs_dir provide
(assets, generated downloads) are copied as they are; theme files are not (MkDocs adds
those itself). Prints a JSON summary on stdout.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path


def export(root: Path, out: Path) -> dict:
    import yaml
    from mkdocs.commands.build import get_navigation
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files, set_exclusions
    from mkdocs.structure.pages import Page

    site = tempfile.mkdtemp(prefix="bench-export-site-")
    try:
        config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=site)
        config = config.plugins.on_config(config)
        # Our build hands generated pages' HTML bodies past Markdown; plain MkDocs converts
        # whole pages, so the whole Markdown is exported.
        config.plugins["explainer"].build.html_as_is = False
        config.plugins.on_pre_build(config=config)
        files = get_files(config)
        env = config.theme.get_env()
        files.add_files_from_theme(env, config)
        theme_files = {f.src_uri for f in files if f.abs_src_path and not Path(
            f.abs_src_path).resolve().is_relative_to(Path(config.docs_dir).resolve())}
        files = config.plugins.on_files(files, config=config)
        set_exclusions(files, config)
        nav = get_navigation(files, config)
        config.plugins.on_nav(nav, config=config, files=files)
        pages = other = 0
        for file in files.documentation_pages():
            if file.page is None:
                Page(None, file, config)
            page = config.plugins.on_pre_page(file.page, config=config, files=files)
            page.read_source(config)
            markdown = config.plugins.on_page_markdown(page.markdown, page=page,
                                                       config=config, files=files)
            front = ""
            if page.meta:
                front = "---\n" + yaml.safe_dump(dict(page.meta), allow_unicode=True,
                                                 sort_keys=False, width=10_000) + "---\n\n"
            target = out / file.src_uri
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(front + markdown, encoding="utf-8")
            pages += 1
        for file in files:
            if file.is_documentation_page() or file.src_uri in theme_files:
                continue
            target = out / file.src_uri
            target.parent.mkdir(parents=True, exist_ok=True)
            if file.generated_by:
                target.write_bytes(file.content_bytes)
            else:
                shutil.copyfile(file.abs_src_path, target)
            other += 1
        return {"pages": pages, "other_files": other}
    finally:
        shutil.rmtree(site, ignore_errors=True)


if __name__ == "__main__":
    summary = export(Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve())
    print(json.dumps(summary))
