"""Build the site into a temporary folder and swap it in only on success; serve a preview.

A failed, interrupted or killed build leaves the last good site/ as it was.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

from .diagnostics import ExplainerError, apply_strict, count_line, print_diagnostics
from .files import shown_path
from .output_dir import (
    OutputRefused,
    build_lock,
    make_staging,
    mark_as_site,
    recover,
    refuse_unsafe_target,
    remove_ours,
    signals_deferred,
    swap_in,
)
from .preview import Preview
from .verify import expected_outputs, section_outputs, verify_site

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

SITE_DIR = "site"


_DIAGNOSTIC_LINE = re.compile(r"^\S+:\d+:\d+: (?:error|warning): ")


# How MkDocs introduces an exception raised while it reads or builds a page.
_PAGE_ERROR = re.compile(r"^Error (?:reading|building) page '[^']*': ")


class _NotDataErrors(logging.Filter):
    """MkDocs logs the text of an ExplainerError raised on a page; the diagnostics are
    printed once, by the build, from the exception itself."""

    def filter(self, record: logging.LogRecord) -> bool:
        lines = _PAGE_ERROR.sub("", record.getMessage()).splitlines()
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


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM: stop, clean up, and say so in one line."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.exit_status = 128 + signum


@contextlib.contextmanager
def _interruptible() -> Iterator[None]:
    """Turn SIGINT and SIGTERM into Interrupted, so cleanup code runs on both."""

    def on_signal(signum: int, frame: object) -> None:
        raise Interrupted(signum)

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _sources(root: Path, config: MkDocsConfig) -> list[Path]:
    """What the build reads (and its cache): replacing any of these would lose the
    editors' work, or put the cache inside the published site."""
    from .plugin.config import site_templates_dir

    plugin = config.plugins.get("explainer")
    found = [Path(config.docs_dir), Path(config.config_file_path)]
    if plugin is not None:
        found += [root / plugin.config.data_dir,
                  site_templates_dir(root, plugin.config, config),
                  root / plugin.config.cache_dir]
    return found


def build_site(root: Path, *, strict: bool = True, fmt: str = "text",
               site_dir: Path | None = None) -> int:
    """Validate and build. Warnings fail the build: the published site has none."""
    del strict  # the published build is always strict; the flag is accepted for symmetry
    _configure_logging()
    target = (site_dir if site_dir is not None else root / SITE_DIR).absolute()
    shown = f"{shown_path(target, root)}/"
    started = time.perf_counter()
    try:
        with _interruptible():
            config = _load_config(root, fmt)
            refuse_unsafe_target(target, root, _sources(root, config))
            target.parent.mkdir(parents=True, exist_ok=True)
            with build_lock(target.parent, shown):
                refuse_unsafe_target(target, root, _sources(root, config))  # after any wait
                recover(target)
                _build_and_swap(config, target, fmt)
    except OutputRefused as exc:
        print(f"error: {exc}; nothing was written", file=sys.stderr)
        return 1
    except _Failed as failed:
        if failed.message:
            print(f"{failed.message}; {shown} left unchanged", file=sys.stderr)
        return 1
    except OSError as exc:  # the lock, the staging folder: an unwritable or full disk
        print(f"error: {describe_os_error(exc, root)}; {shown} left unchanged", file=sys.stderr)
        return 1
    except Interrupted as exc:
        print(f"interrupted ({exc}); {shown} left unchanged", file=sys.stderr)
        return exc.exit_status
    pages = sum(1 for _ in target.rglob("*.html"))
    elapsed = time.perf_counter() - started
    print(f"built {pages} HTML pages into {shown} in {elapsed:.1f} s", file=sys.stderr)
    return 0


class _Failed(Exception):
    """A build that stopped on bad input; what to print is already decided."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _load_config(root: Path, fmt: str = "text") -> MkDocsConfig:
    from .site_config import load_mkdocs_config

    config, problems = load_mkdocs_config(root)
    if config is None:
        print_diagnostics(apply_strict(problems, False), fmt)
        raise _Failed(count_line(problems))
    return config


def _build_and_swap(config: MkDocsConfig, target: Path, fmt: str, *,
                    serve_url: str | None = None) -> None:
    """Build into a marked staging folder beside `target` and swap it in; bad input
    raises _Failed with what to print, and the staging folder never outlives the call."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, BuildError, ConfigurationError

    root = Path(config.config_file_path).parent
    staging: Path | None = None
    try:
        with signals_deferred():  # a signal now still finds `staging` set, so it is removed
            staging = make_staging(target)
        config.site_dir = str(staging)
        if serve_url is None:
            build(config)
        else:
            build(config, serve_url=serve_url, dirty=False)
        problem = verify_site(staging, expected_outputs(config), section_outputs(config))
        if problem is not None:
            raise _Failed(problem)
        mark_as_site(staging)
        swap_in(staging, target)
        _print_notes(config)
    except (ExplainerError, Abort) as exc:
        stopped = _explainer_error(exc)
        if stopped is None:
            raise _Failed(f"error: {_one_line(str(exc))}") from None
        print_diagnostics(apply_strict(stopped.diagnostics, False), fmt)
        raise _Failed(count_line(stopped.diagnostics)) from None
    except (BuildError, ConfigurationError) as exc:
        raise _Failed(f"error: {_one_line(str(exc))}") from None
    except jinja2.TemplateError as exc:
        raise _Failed(template_error_line(exc, root)) from None
    except OSError as exc:
        raise _Failed(f"error: {describe_os_error(exc, root)}") from None
    except (_Failed, KeyboardInterrupt):
        raise
    except Exception as exc:  # noqa: BLE001 - a template or theme failing at run time
        raise _Failed(unexpected_error_line(exc, root)) from None
    finally:
        if staging is not None:
            remove_ours(staging)


def _explainer_error(exc: BaseException) -> ExplainerError | None:
    """The explainer's error behind `exc`: MkDocs turns a plugin's error into Abort
    while handling it, so it is the Abort's context."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ExplainerError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def unexpected_error_line(exc: BaseException, root: Path) -> str:
    """Any other failure in one line, at the template line it happened in if there is one
    (a division by zero or endless recursion in overrides/)."""
    what = f"{type(exc).__name__}: {_one_line(str(exc))[:200]}"
    frames = traceback.extract_tb(exc.__traceback__)
    for frame in reversed(frames):
        if frame.filename.endswith(".html") and Path(frame.filename).is_file():
            return (f"{shown_path(Path(frame.filename), root)}:{frame.lineno or 1}:1: error: "
                    f"{what} while rendering; fix the template")
    return f"error: the build failed with {what}"


_NOTED: set[str] = set()


def _print_notes(config: MkDocsConfig) -> None:
    """The plugin's notices (no git history, say), once per process: the preview
    rebuilds often."""
    for note in getattr(config.plugins.get("explainer"), "notes", []):
        if note not in _NOTED:
            _NOTED.add(note)
            print(note, file=sys.stderr)


def template_error_line(exc: jinja2.TemplateError, root: Path) -> str:
    """A template mistake in overrides/ as one diagnostic line."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = exc.filename or exc.name or "a template"
        return (f"{shown_path(Path(where), root)}:{exc.lineno}:1: error: template syntax: "
                f"{_one_line(exc.message or str(exc))}")
    if isinstance(exc, jinja2.TemplateNotFound):
        return f"error: template '{exc.name}' not found in overrides/ or the theme"
    return f"error: template: {_one_line(str(exc))}"


def describe_os_error(exc: OSError, root: Path) -> str:
    """'No space left on device: site/...' rather than a traceback."""
    reason = exc.strerror or exc.__class__.__name__
    if exc.filename is None:
        return reason
    return f"{reason}: {shown_path(Path(os.fsdecode(exc.filename)), root)}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


DEFAULT_PORT = 8000


def parse_dev_addr(text: str) -> tuple[str, int]:
    """'127.0.0.1:8000', 'localhost', '8001' (loopback), '[::1]:8000' -> (host, port).

    A bare port means loopback: the preview is for the editor, not the network."""
    text = text.strip()
    if "://" in text:
        raise ValueError(f"'{text}' is a URL; give host:port without http://, e.g. "
                         f"127.0.0.1:{DEFAULT_PORT}")
    if text.isdigit():
        host, port = "127.0.0.1", text
    elif text.startswith("["):
        host, closed, rest = text[1:].partition("]")
        if not closed or (rest and not rest.startswith(":")):
            raise ValueError(f"'{text}' is not host:port; write IPv6 as [::1]:8000")
        port = rest[1:] or str(DEFAULT_PORT)
    elif text.count(":") > 1:
        raise ValueError(f"'{text}' looks like an IPv6 address; write it in brackets, "
                         "e.g. [::1]:8000")
    else:
        host, _, port = text.partition(":")
        port = port or str(DEFAULT_PORT)
    if not host:
        raise ValueError(f"'{text}' names no host; write e.g. 127.0.0.1:8000")
    # ASCII digits only: int() also reads '８０００', and str.isdigit() also passes '¹²³'.
    if not re.fullmatch("[0-9]{1,5}", port) or not 1 <= int(port) <= 65535:
        raise ValueError(f"port '{port}' must be a number from 1 to 65535, e.g. "
                         f"{host}:{DEFAULT_PORT}")
    return host, int(port)


def make_preview(root: Path, site_dir: Path, serve_url: str) -> Preview:
    """The preview of the project at `root`, served from `site_dir` at `serve_url`."""
    def full_build() -> MkDocsConfig:
        config = _load_config(root)
        config.site_url = serve_url
        _build_and_swap(config, site_dir, "text", serve_url=serve_url)
        return config

    return Preview(root, site_dir, serve_url, full_build)


def serve_site(root: Path, dev_addr: str) -> int:
    """Live preview: rebuilds on changes to content/, data/, overrides/ and mkdocs.yml.

    Any error (data, content, templates, mkdocs.yml) is printed in one line each and the
    server keeps serving the last good pages until the error is fixed."""
    from mkdocs.livereload import LiveReloadServer

    try:
        host, port = parse_dev_addr(dev_addr)
    except ValueError as exc:
        print(f"error: --dev-addr {exc}", file=sys.stderr)
        return 2
    _configure_logging(logging.INFO)
    url_host = f"[{host}]" if ":" in host else host
    serve_url = f"http://{url_host}:{port}/"
    workspace = Path(tempfile.mkdtemp(prefix="explainer-serve-"))
    site_dir = workspace / "site"
    site_dir.mkdir()

    preview = make_preview(root, site_dir, serve_url)

    def builder() -> None:
        started = time.monotonic()
        try:
            outcome = preview.update()
        except _Failed as failed:
            if failed.message:
                print(failed.message, file=sys.stderr)
            print("preview not updated: fix the errors above and save", file=sys.stderr)
        except ExplainerError as exc:
            print_diagnostics(apply_strict(exc.diagnostics, False))
            print(count_line(exc.diagnostics), file=sys.stderr)
            print("preview not updated: fix the errors above and save", file=sys.stderr)
        except OSError as exc:
            print(f"error: {describe_os_error(exc, root)}; preview not updated",
                  file=sys.stderr)
        else:
            if outcome.kind != "unchanged":
                what = "rebuilt" if outcome.kind == "full" else "updated"
                why = f" ({outcome.why})" if outcome.why else ""
                print(f"preview {what}: {outcome.pages} pages in "
                      f"{time.monotonic() - started:.2f} s{why}", file=sys.stderr)

    try:
        with _interruptible():
            # Poll every 0.05 s (MkDocs' default is 0.5 s): an edit shows sooner.
            server = LiveReloadServer(builder=builder, host=host, port=port,
                                      root=str(site_dir), mount_path="/",
                                      polling_interval=0.05)
            # Wait 0.02 s for more changes before building (MkDocs waits 0.1 s): an
            # editor's save (a write, or a write and a rename) lands within milliseconds.
            server.build_delay = 0.02
            builder()
            for folder in ("content", "data", "overrides"):
                if (root / folder).is_dir():
                    server.watch(str(root / folder))
            server.watch(str(root / "mkdocs.yml"))
            try:
                server.serve()
            except OSError as exc:
                print(f"error: cannot listen on {url_host}:{port}: "
                      f"{exc.strerror or exc}; choose another with --dev-addr "
                      f"{url_host}:{port + 1 if port < 65535 else 8000}", file=sys.stderr)
                return 1
            finally:
                server.shutdown()
    except Interrupted:
        print("preview stopped", file=sys.stderr)
    finally:
        shutil.rmtree(workspace, ignore_errors=True)
    return 0

