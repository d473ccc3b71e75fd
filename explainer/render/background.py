"""Generated pages rendered in a second process while MkDocs converts the first ones.

On a large site the explainer's templates take about a tenth of a build, all of it before
MkDocs reads a single page. A forked child renders the pages' Markdown in the order
MkDocs reads them and streams it back over a pipe, so the two run side by side. The child
only speeds things up: a page it does not deliver (its template failed, something was
logged while it rendered, or the child died) is rendered here, exactly as it would have
been without it, so the output and the warnings are the same either way; an error in
such a page is kept (`failure`) and raised by the build once MkDocs has read every page.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import logging
import os
import signal
import struct
import sys
import threading
import warnings
from pathlib import Path
from typing import IO, Any

from .pages import GeneratedPage

# Below this many pages the fork and the pipe cost about what they save.
MIN_PAGES = 20

_HEADER = struct.Struct(">II")  # length of the page's src_uri, length of its Markdown
_NOT_RENDERED = 0xFFFFFFFF  # in place of a length: render this page yourself
_STOPPING = (signal.SIGINT, signal.SIGTERM)
_PR_SET_PDEATHSIG = 1


def available() -> bool:
    """Forking is safe only on Linux (macOS frameworks break in a forked child) and only
    while this process has one thread, counting those Python does not know of: a lock
    another thread holds would stay held in the child."""
    if not sys.platform.startswith("linux") or threading.active_count() != 1:
        return False
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    return any(line.split() == ["Threads:", "1"] for line in status.splitlines())


class BackgroundRenderer:
    """Renders `pages` in a child process; `markdown(src_uri)` gives one, waiting for it.
    Raises OSError when no child can be started (then render in this process)."""

    def __init__(self, pages: list[GeneratedPage]):
        self._pages = {page.src_uri: page for page in pages}
        self._delivered: dict[str, str | None] = {}
        self._finished = False
        self._ready = threading.Condition()
        self.failure: BaseException | None = None  # the first page that failed here
        read_end, write_end = os.pipe()
        # No signal between fork and the child's own handlers: the parent's would run
        # the build's clean-up in the child.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
        try:
            pid = os.fork()
        except OSError:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            os.close(read_end)
            os.close(write_end)
            raise
        if pid == 0:  # the child: render, send, exit; never return into the build
            try:
                _become_renderer(write_end, blocked)
                _render(pages, write_end)
            finally:
                os._exit(0)
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        os.close(write_end)
        self._pid = pid
        self._receiver = threading.Thread(target=self._receive, args=(read_end,),
                                          name="explainer-background-render", daemon=True)
        try:
            self._receiver.start()
        except RuntimeError as exc:  # no thread to be had (a process limit): render here
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(read_end)
            raise OSError(f"no thread for the background render: {exc}") from exc
        atexit.register(self.close)  # a build stopped by a signal never reaches close()

    def __contains__(self, src_uri: str) -> bool:
        return src_uri in self._pages

    def markdown(self, src_uri: str) -> str:
        """The page's Markdown; "" when rendering it here failed (see `failure`)."""
        page = self._pages[src_uri]
        with self._ready:
            self._ready.wait_for(lambda: src_uri in self._delivered or self._finished)
            text = self._delivered.pop(src_uri, None)
        if text is not None:
            page.__dict__["markdown"] = text  # GeneratedPage.markdown is a cached_property
            return text
        try:
            return page.markdown
        except Exception as exc:  # noqa: BLE001 - raised by the build after MkDocs reads
            if self.failure is None:
                self.failure = exc
            return ""

    def close(self) -> None:
        """Stop the child if it is still rendering (a build that failed part way)."""
        with self._ready:  # the child is reaped under this lock: its pid is still its own
            if not self._finished:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self._pid, signal.SIGKILL)
        self._receiver.join()
        atexit.unregister(self.close)

    def _receive(self, read_end: int) -> None:
        try:
            with os.fdopen(read_end, "rb") as stream:
                while (message := _read_message(stream)) is not None:
                    with self._ready:
                        self._delivered[message[0]] = message[1]
                        self._ready.notify_all()
        finally:
            with self._ready:
                with contextlib.suppress(ChildProcessError):  # reaped elsewhere already
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


def _become_renderer(write_end: int, blocked: set[int | signal.Signals]) -> None:
    """The child keeps nothing of the build but the pipe: no other descriptor (the build
    lock's among them), the default signal handlers, and it dies with its parent."""
    import ctypes

    for number in _STOPPING:
        signal.signal(number, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() == 1:  # the parent died before that took effect
        os._exit(1)
    os.closerange(3, write_end)
    os.closerange(write_end + 1, os.sysconf("SC_OPEN_MAX"))
    gc.freeze()  # the inherited objects: collections need not walk (and copy) them


def _render(pages: list[GeneratedPage], write_end: int) -> None:
    noticed = _keep_logs_for_the_parent()
    with contextlib.suppress(OSError), os.fdopen(write_end, "wb") as out:
        # OSError: a closed pipe, the build stopped; nothing left to do.
        for page in pages:
            noticed.clear()
            uri = page.src_uri.encode()
            try:
                text: bytes | None = page.markdown.encode()
            except Exception:  # noqa: BLE001 - the parent renders it again and reports it
                text = None
            if text is None or noticed:
                out.write(_HEADER.pack(len(uri), _NOT_RENDERED) + uri)
            else:
                out.write(_HEADER.pack(len(uri), len(text)) + uri + text)


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
