"""Build the site into a temporary folder and swap it in only on success; serve a preview.

A failed, interrupted or killed build leaves the last good site/ as it was.
"""

from __future__ import annotations

import ctypes
import logging
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from .diagnostics import Diagnostic, apply_strict, count_line

SITE_DIR = "site"
STAGING_PREFIX = ".site-"


_DIAGNOSTIC_LINE = re.compile(r"^\S+:\d+:\d+: (?:error|warning): ")


class _NotDataErrors(logging.Filter):
    """MkDocs logs a failed plugin's message once more; ours are printed by build.py."""

    def filter(self, record: logging.LogRecord) -> bool:
        lines = record.getMessage().splitlines()
        return not (record.levelno >= logging.ERROR and lines
                    and all(_DIAGNOSTIC_LINE.match(line) for line in lines))


class _OneLine(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.name.startswith("mkdocs.plugins.explainer"):
            return message  # already file:line:col: severity: message
        return f"{record.levelname.lower()}: {message}"


def _configure_logging(level: int = logging.WARNING) -> None:
    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "_explainer", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_OneLine())
        handler.addFilter(_NotDataErrors())
        handler._explainer = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False


def _recover(target: Path) -> None:
    """Undo what a killed build left: restore the last good site if the kill came between
    the two renames of the swap, then remove staging folders."""
    parent = target.parent
    if not target.exists():
        previous = sorted(parent.glob(f"{STAGING_PREFIX}old-*"), key=lambda p: p.stat().st_mtime)
        if previous:
            os.rename(previous[-1], target)
    for leftover in parent.glob(f"{STAGING_PREFIX}*"):
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)


def build_site(root: Path, *, strict: bool = True, fmt: str = "text",
               site_dir: Path | None = None) -> int:
    """Validate and build. Warnings fail the build: the published site has none."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, BuildError, ConfigurationError

    from .plugin import DataErrors

    del strict  # the published build is always strict; the flag is accepted for symmetry
    _configure_logging()
    target = (site_dir or root / SITE_DIR).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    _recover(target)
    started = time.perf_counter()
    config = None
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=target.parent))
    try:
        config = load_config(config_file=str(root / "mkdocs.yml"), strict=True,
                             site_dir=str(staging))
        build(config)
    except (DataErrors, Abort) as exc:
        diagnostics = _data_errors(exc, config)
        if diagnostics is None:
            print(f"error: {exc}; site/ left unchanged", file=sys.stderr)
            shutil.rmtree(staging, ignore_errors=True)
            return 1
        _print(diagnostics, fmt)
        print(f"{count_line(diagnostics)}; site/ left unchanged", file=sys.stderr)
        shutil.rmtree(staging, ignore_errors=True)
        return 1
    except (BuildError, ConfigurationError) as exc:
        print(f"error: {exc}; site/ left unchanged", file=sys.stderr)
        shutil.rmtree(staging, ignore_errors=True)
        return 1
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap_in(staging, target)
    pages = sum(1 for _ in target.rglob("*.html"))
    elapsed = time.perf_counter() - started
    print(f"built {pages} HTML pages into {os.path.relpath(target, root)}/ in {elapsed:.1f} s",
          file=sys.stderr)
    return 0


def _data_errors(exc: BaseException, config) -> list[Diagnostic] | None:
    """The diagnostics of a build stopped by the data, wherever MkDocs re-raised it."""
    diagnostics = getattr(exc, "diagnostics", None)
    if diagnostics is None and config is not None:
        plugin = config.plugins.get("explainer")
        diagnostics = getattr(plugin, "last_errors", None)
    return diagnostics


def _swap_in(staging: Path, target: Path) -> None:
    """Replace target with staging so that site/ is never missing or half-written."""
    if target.exists() and _exchange(staging, target):
        os.chmod(target, 0o755)
        shutil.rmtree(staging, ignore_errors=True)  # now holds the previous site
        return
    # No atomic exchange here: two renames; _recover() repairs a kill between them.
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX + "old-", dir=target.parent))
        os.rmdir(old)
        os.rename(target, old)
    os.rename(staging, target)
    os.chmod(target, 0o755)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 with RENAME_EXCHANGE)."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second),
                     rename_exchange) == 0


def _print(diagnostics: list[Diagnostic], fmt: str) -> None:
    for d in apply_strict(diagnostics, False):
        print(d.as_github() if fmt == "github" else d.as_text(), file=sys.stderr)


def serve_site(root: Path, dev_addr: str) -> int:
    """Live preview: rebuilds on changes to content/, data/, overrides/ and mkdocs.yml.

    A data error is printed as one-line diagnostics and the server keeps running with
    the last good pages until the error is fixed."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, BuildError
    from mkdocs.livereload import LiveReloadServer

    from .plugin import DataErrors

    _configure_logging(logging.INFO)
    host, _, port = dev_addr.rpartition(":")
    site_dir = Path(tempfile.mkdtemp(prefix="explainer-serve-"))
    config_file = str(root / "mkdocs.yml")

    def load():
        config = load_config(config_file=config_file, site_dir=str(site_dir))
        config.site_url = f"http://{host}:{port}/"
        return config

    def builder(config=None) -> None:
        config = config or load()
        # Build beside the served folder and swap, so an error never empties the preview.
        staging = Path(tempfile.mkdtemp(prefix="explainer-serve-next-"))
        config.site_dir = str(staging)
        try:
            build(config, serve_url=f"http://{host}:{port}/", dirty=False)
            _swap_in(staging, site_dir)
        except (DataErrors, Abort, BuildError) as exc:
            shutil.rmtree(staging, ignore_errors=True)
            diagnostics = _data_errors(exc, config)
            if diagnostics is None:
                print(f"error: {exc}; preview not updated", file=sys.stderr)
            else:
                _print(diagnostics, "text")
                print("preview not updated: fix the errors above and save", file=sys.stderr)

    config = load()
    # Poll for changes every 0.1 s (MkDocs' default is 0.5 s): an edit shows sooner.
    server = LiveReloadServer(builder=builder, host=host, port=int(port), root=str(site_dir),
                              mount_path="/", polling_interval=0.1)
    builder(config)
    for folder in ("content", "data", "overrides"):
        server.watch(str(root / folder))
    server.watch(config_file)
    try:
        server.serve()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        shutil.rmtree(site_dir, ignore_errors=True)
    return 0
