"""Working copies of a project and a local server for a built site, for the tests, the
benchmark and the Lighthouse script. Standard library only."""

from __future__ import annotations

import functools
import http.server
import shutil
import socket
from pathlib import Path
from typing import Any

# What a project is made of, as far as building it goes.
PROJECT_PARTS = ("data", "content", "overrides", "schemas", "mkdocs.yml")


def copy_project(source: Path, target: Path) -> Path:
    """Copy the parts of the project at `source` needed to build it into `target`."""
    for part in PROJECT_PARTS:
        path = source / part
        if path.is_dir():
            shutil.copytree(path, target / part)
        elif path.exists():
            shutil.copy2(path, target / part)
    return target


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Static files of a built site; a missing file gets 404.html with status 404, as a
    static host would answer."""

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file() and self.command in ("GET", "HEAD"):
            body = page.read_bytes()
            self.send_response(404, message)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command == "GET":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


def site_server(site_dir: Path) -> http.server.ThreadingHTTPServer:
    """A server for `site_dir` on 127.0.0.1 at a free port (not started yet)."""
    handler = functools.partial(SiteHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    return server


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
