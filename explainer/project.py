"""A whole project checked at once: the data in data/ and the references in content/."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .dataset import Dataset, load_dataset, sources_of
from .diagnostics import Diagnostic
from .references import check_reference, find_references

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


def check_project(root: Path) -> Report:
    dataset, diagnostics = load_dataset(root / DATA_DIR, root)
    content = root / CONTENT_DIR
    for markdown_file in sorted(content.rglob("*.md")):
        shown = markdown_file.relative_to(root).as_posix()
        try:
            text = markdown_file.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            diagnostics.append(Diagnostic(shown, 1, 1, "error",
                                          f"not valid UTF-8 ({exc.reason}); save as UTF-8"))
            continue
        for ref in find_references(text):
            diagnostics.extend(check_reference(ref, dataset, shown))
    return Report(dataset, sorted(set(diagnostics)))
