"""Working copies of a project, the command line run on them as an editor runs it, and a
local server for a built site: for the tests, the benchmark and the Lighthouse script.
Standard library only."""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

# What a project is made of, as far as building it goes.
PROJECT_PARTS = ("data", "content", "overrides", "schemas", "mkdocs.yml")
# What an editor's shell gives a command, and nothing more: no settings leak in from the
# machine, and Material's end-of-life note stays out of what the command prints.
EDITOR_ENV = {"PATH": "/usr/bin:/bin", "NO_MKDOCS_2_WARNING": "1"}


def copy_project(source: Path, target: Path, parts: Iterable[str] = PROJECT_PARTS) -> Path:
    """Copy the parts of the project at `source` needed to build it into `target`."""
    target.mkdir(parents=True, exist_ok=True)
    for part in parts:
        path = source / part
        if path.is_dir():
            shutil.copytree(path, target / part)
        elif path.exists():
            shutil.copy2(path, target / part)
    return target


def editor_env(root: Path, **extra: str) -> dict[str, str]:
    """EDITOR_ENV with HOME in the project, so nothing is read from a real home folder."""
    return {**EDITOR_ENV, "HOME": str(root), **extra}


def cli_command(root: Path, *args: str, python: str = sys.executable) -> list[str]:
    """`python -m explainer.cli --root ROOT ARGS`."""
    return [python, "-m", "explainer.cli", "--root", str(root), *args]


def run_cli(root: Path, *args: str, python: str = sys.executable, timeout: float = 300,
            **env: str) -> subprocess.CompletedProcess[str]:
    """Run the command line on the project at `root` in a separate process, as an editor
    would, with `env` added to the editor's environment; output captured as text."""
    return subprocess.run(cli_command(root, *args, python=python), capture_output=True,
                          text=True, timeout=timeout, cwd=root, env=editor_env(root, **env))


def build_site(project: Path, site_dir: Path, site_url: str, python: str = sys.executable,
               timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Build `project` into `site_dir` in a separate process, for pages served at
    `site_url` (a local server's address)."""
    return run_cli(project, "build", "--site-dir", str(site_dir), python=python,
                   timeout=timeout, SITE_URL=site_url)


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Static files of a built site; a missing file gets 404.html with status 404, as a
    static host would answer."""

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file() and self.command in ("GET", "HEAD"):
            body, headers = self.encode(page.read_bytes(), "text/html")
            self.send_response(404, message)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command == "GET":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def encode(self, body: bytes, content_type: str) -> tuple[bytes, list[tuple[str, str]]]:
        """The body as sent and the headers that say how: here, as it is."""
        return body, []

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


# What GitHub Pages sends gzip-compressed to a browser that accepts it.
GZIP_TYPES = ("text/html", "text/css", "text/javascript", "application/javascript",
              "application/json", "application/xml", "text/xml", "image/svg+xml",
              "application/atom+xml", "application/manifest+json")


class GzipSiteHandler(SiteHandler):
    """SiteHandler that answers as GitHub Pages does: HTML, CSS, JavaScript, JSON, XML and
    SVG gzip-compressed (Content-Encoding: gzip, Vary: Accept-Encoding) when the request
    accepts gzip; other files, and requests that do not accept it, as they are."""

    def encode(self, body: bytes, content_type: str) -> tuple[bytes, list[tuple[str, str]]]:
        mime = content_type.split(";")[0].strip().lower()
        if mime not in GZIP_TYPES:
            return body, []
        vary = [("Vary", "Accept-Encoding")]
        if not self._accepts_gzip():
            return body, vary
        return gzip.compress(body, compresslevel=6, mtime=0), [
            ("Content-Encoding", "gzip"), *vary]

    def _accepts_gzip(self) -> bool:
        for part in self.headers.get("Accept-Encoding", "").split(","):
            coding, _, params = part.strip().partition(";")
            if coding.strip().lower() in ("gzip", "*"):
                return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
        return False

    def send_head(self) -> BinaryIO | None:
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?", 1)[0].split("#", 1)[0].endswith("/"):
            path = path / "index.html"
        if not path.is_file():
            return super().send_head()  # redirects, directory listings, 404
        content_type = self.guess_type(str(path))
        body, headers = self.encode(path.read_bytes(), content_type)
        if not headers:
            return super().send_head()
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", self.date_time_string(int(os.stat(path).st_mtime)))
        self.end_headers()
        return io.BytesIO(body)


def site_server(site_dir: Path, handler: type[SiteHandler] = SiteHandler
                ) -> http.server.ThreadingHTTPServer:
    """A server for `site_dir` on 127.0.0.1 at a free port (not started yet)."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(site_dir)))
    server.daemon_threads = True
    return server


def site_url(server: http.server.ThreadingHTTPServer) -> str:
    """The address of the site a server serves: http://127.0.0.1:PORT/."""
    return f"http://127.0.0.1:{server.server_address[1]}/"


@contextmanager
def serving(site_dir: Path, handler: type[SiteHandler] = SiteHandler
            ) -> Iterator[http.server.ThreadingHTTPServer]:
    """`site_dir` served on 127.0.0.1 at a free port (`site_url`) while in the block. The
    folder need not exist yet: a site may be built into it once its address is known."""
    server = site_server(site_dir, handler)
    threading.Thread(target=server.serve_forever, name="site-server", daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
