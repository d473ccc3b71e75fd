"""A generated page's file whose Markdown the background renderer delivers on first read."""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File

from ..render.background import BackgroundRenderer


class DeliveredPage(File):
    _renderer: BackgroundRenderer | None = None

    @classmethod
    def waiting(cls, config: MkDocsConfig, src_uri: str,
                renderer: BackgroundRenderer) -> DeliveredPage:
        file = cls.generated(config, src_uri, content="")
        assert isinstance(file, cls)  # File.generated makes an instance of its class
        file._renderer = renderer
        return file

    def _arrived(self) -> None:
        if self._renderer is not None:
            self._content = self._renderer.markdown(self.src_uri)
            self._renderer = None

    @property
    def content_string(self) -> str:
        self._arrived()
        return File.content_string.fget(self)  # type: ignore[attr-defined]

    @content_string.setter
    def content_string(self, value: str) -> None:
        self._renderer = None
        File.content_string.fset(self, value)  # type: ignore[attr-defined]

    @property
    def content_bytes(self) -> bytes:
        self._arrived()
        return File.content_bytes.fget(self)  # type: ignore[attr-defined]

    @content_bytes.setter
    def content_bytes(self, value: bytes) -> None:
        self._renderer = None
        File.content_bytes.fset(self, value)  # type: ignore[attr-defined]
