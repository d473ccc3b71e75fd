"""The bundled project itself: valid data, schemas in step with the models, clean code."""

from __future__ import annotations

import subprocess
import sys

from explainer.data_files import kind_files, schema_comment
from explainer.kinds import KINDS
from explainer.schemas import schema_texts

from .conftest import REPO, run_cli


def test_bundled_data_is_valid_in_strict_mode() -> None:
    run = run_cli(REPO, "check", "--strict")
    assert run.returncode == 0, run.stderr
    assert run.lines[-1].startswith("0 errors, 0 warnings")
    assert "sources: 100% of" in run.stderr


def test_committed_schemas_match_the_models() -> None:
    for name, text in schema_texts().items():
        committed = (REPO / "schemas" / name).read_text(encoding="utf-8")
        assert committed == text, (f"schemas/{name} is out of date; run "
                                   "`python3 build.py schemas` and commit the result")


def test_every_data_file_names_its_schema_for_editors() -> None:
    for kind in KINDS:
        paths = kind_files(REPO / "data", kind).paths  # one file, or a folder's files
        assert paths, kind
        for path in paths:
            depth = len(path.relative_to(REPO / "data").parts) - 1
            first = path.read_text(encoding="utf-8").splitlines()[0] + "\n"
            assert first == schema_comment(kind, depth), path


def test_code_is_ruff_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "explainer", "tests",
                             "bench", "scripts", "build.py"],
                            cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def _words(text: str) -> str:
    return " ".join(text.split())


def test_every_quote_is_verbatim_in_the_source_article() -> None:
    import yaml

    article = _words((REPO / "tests" / "fixtures" / "source-article.txt").read_text("utf-8"))
    quotes = yaml.safe_load((REPO / "data" / "quotes.yaml").read_text(encoding="utf-8"))
    missing = [q["id"] for q in quotes if _words(q["text"]) not in article]
    assert missing == [], f"quotes not found word for word in the article: {missing}"


def test_zelenskyy_is_spelled_one_way() -> None:
    for folder in ("data", "content"):
        for path in (REPO / folder).rglob("*.*"):
            if path.suffix in (".yaml", ".md"):
                assert "Zelenskyt" not in path.read_text(encoding="utf-8"), path
