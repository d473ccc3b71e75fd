"""Generated pages rendered in a second process while MkDocs converts the first ones.

On a large site the explainer's templates take about a tenth of a build, all of it before
MkDocs reads a single page. A forked child renders the pages' Markdown in the order
MkDocs reads them and streams it back over a pipe, so the two run side by side. The child
only speeds things up: a page it does not deliver (its template failed, something was
logged while it rendered, or the child died) is rendered here, exactly as it would have
been without it, so the output, the warnings and the errors are the same either way.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import struct
import sys
import threading
import warnings
from typing import IO, Any

from .pages import GeneratedPage

# Below this many pages the fork and the pipe cost about what they save.
MIN_PAGES = 20

_HEADER = struct.Struct(">II")  # length of the page's src_uri, length of its Markdown
_NOT_RENDERED = 0xFFFFFFFF  # in place of a length: render this page yourself


def available() -> bool:
    """Forking is safe only on Linux (macOS frameworks break in a forked child) and only
    while this process has one thread: a lock another thread holds would stay held."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


class BackgroundRenderer:
    """Renders `pages` in a child process; `markdown(src_uri)` gives one, waiting for it."""

    def __init__(self, pages: list[GeneratedPage]):
        self._pages = {page.src_uri: page for page in pages}
        self._delivered: dict[str, str | None] = {}
        self._finished = False
        self._ready = threading.Condition()
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: render, send, exit; never return into the build
            os.close(read_end)
            _render_and_exit(pages, write_end)
        os.close(write_end)
        self._pid = pid
        self._receiver = threading.Thread(target=self._receive, args=(read_end,),
                                          name="explainer-background-render", daemon=True)
        self._receiver.start()

    def __contains__(self, src_uri: str) -> bool:
        return src_uri in self._pages

    def markdown(self, src_uri: str) -> str:
        page = self._pages[src_uri]
        with self._ready:
            self._ready.wait_for(lambda: src_uri in self._delivered or self._finished)
            text = self._delivered.pop(src_uri, None)
        if text is None:
            return page.markdown  # rendered here: any error is raised here, as usual
        page.__dict__["markdown"] = text  # GeneratedPage.markdown is a cached_property
        return text

    def close(self) -> None:
        """Stop the child if it is still rendering (a build that failed part way)."""
        with self._ready:  # the child is reaped under this lock: its pid is still its own
            if not self._finished:
                os.kill(self._pid, signal.SIGKILL)
        self._receiver.join()

    def _receive(self, read_end: int) -> None:
        with os.fdopen(read_end, "rb") as stream:
            while (message := _read_message(stream)) is not None:
                with self._ready:
                    self._delivered[message[0]] = message[1]
                    self._ready.notify_all()
        with self._ready:
            os.waitpid(self._pid, 0)  # the pipe is closed: the child is exiting
            self._finished = True
            self._ready.notify_all()


def _read_message(stream: IO[bytes]) -> tuple[str, str | None] | None:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    uri_length, text_length = _HEADER.unpack(header)
    uri = stream.read(uri_length)
    if len(uri) < uri_length:
        return None
    if text_length == _NOT_RENDERED:
        return uri.decode(), None
    text = stream.read(text_length)
    if len(text) < text_length:
        return None
    return uri.decode(), text.decode()


def _render_and_exit(pages: list[GeneratedPage], write_end: int) -> None:
    status = 1
    try:
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, signal.SIG_DFL)  # the parent's handlers clean up its build
        gc.freeze()  # the inherited objects: collections need not walk (and copy) them
        noticed = _keep_logs_for_the_parent()
        with os.fdopen(write_end, "wb") as out:
            for page in pages:
                noticed.clear()
                uri = page.src_uri.encode()
                try:
                    text: bytes | None = page.markdown.encode()
                except Exception:  # the parent renders this page again and reports it
                    text = None
                if text is None or noticed:
                    out.write(_HEADER.pack(len(uri), _NOT_RENDERED) + uri)
                else:
                    out.write(_HEADER.pack(len(uri), len(text)) + uri + text)
        status = 0
    except BaseException:  # a closed pipe (the build stopped): nothing left to do
        pass
    finally:
        os._exit(status)


def _keep_logs_for_the_parent() -> list[int]:
    """A page that logs or warns while it renders is left to the parent, so the message
    is printed (and counted by a strict build) once, where the build runs."""
    noticed: list[int] = []

    def call_handlers(self: logging.Logger, record: logging.LogRecord) -> None:
        noticed.append(record.levelno)

    def show_warning(*args: Any, **kwargs: Any) -> None:
        noticed.append(logging.WARNING)

    logging.Logger.callHandlers = call_handlers  # type: ignore[method-assign]
    warnings.showwarning = show_warning
    return noticed
