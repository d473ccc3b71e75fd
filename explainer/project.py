"""A whole project checked at once: the data in data/ and the references in content/."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .dataset import Dataset, load_dataset, sources_of
from .diagnostics import Diagnostic
from .references import check_reference, find_references
from .yaml_source import byte_line_col

DATA_DIR = "data"
CONTENT_DIR = "content"


@dataclass
class Report:
    dataset: Dataset
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def summary_line(self) -> str:
        counts = ", ".join(
            f"{len(self.dataset.table(kind))} {kind}"
            for kind in ("actors", "issues", "positions", "quotes", "questions", "events",
                         "sources", "updates"))
        return f"data: {counts}"

    def coverage_line(self) -> str:
        parts = []
        for kind in ("positions", "quotes", "events"):
            table = self.dataset.table(kind)
            sourced = sum(1 for entity in table.values() if sources_of(entity))
            share = 100 * sourced / len(table) if table else 100
            parts.append(f"{share:.0f}% of {len(table)} {kind}")
        return "sources: " + ", ".join(parts)


def decode_markdown(data: bytes, shown: str) -> tuple[str, Diagnostic | None]:
    """A section's text, or a diagnostic at the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8").removeprefix("\ufeff"), None
    except UnicodeDecodeError as exc:
        line, column = byte_line_col(data, exc.start)
        return "", Diagnostic(shown, line, column, "error",
                              f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the "
                              "file as UTF-8")


def check_project(root: Path) -> Report:
    dataset, diagnostics = load_dataset(root / DATA_DIR, root)
    content = root / CONTENT_DIR
    for markdown_file in sorted(content.rglob("*.md")):
        shown = markdown_file.relative_to(root).as_posix()
        text, problem = decode_markdown(markdown_file.read_bytes(), shown)
        if problem is not None:
            diagnostics.append(problem)
            continue
        for ref in find_references(text):
            diagnostics.extend(check_reference(ref, dataset, shown))
    return Report(dataset, sorted(set(diagnostics)))
