"""A new kind of fact, added the way the README's "Adding a kind of fact" says: one model,
one registry entry, one template and its data (with a nav entry). The steps are applied
to copies of the package and of the bundled project, and nothing else is touched."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

MODEL = '''

class Document(Entity):
    id: Slug = Field(description="This document's id")
    title: ShortText = Field(description="The document's title")
    summary: Markdown = Field(description="What it says; inline Markdown allowed")
    actors: list[ActorId] = Field([], description="Ids of the actors it concerns")
    sources: list[SourceId] = Field([], description="Ids of the sources it rests on")
'''
ENTRY = '''    Kind("documents", "document", models.Document,
         index=IndexPage("documents/", "Documents", "documents.html", order=7),
         link=True, needs_source=True, summary_order=9),
'''
TEMPLATE = '''{% for doc in ds.table("documents").values() %}
<section id="{{ anchor('documents', doc.id) }}"{{ fact_attrs(doc) }}>
<h2>{{ doc.title }}</h2>
<p>{{ doc.summary|md }}</p>
<p>Concerns: {% for id in doc.actors %}
<a href="{{ link('actors', id) }}">{{ label_of('actors', id) }}</a>{% endfor %}</p>
</section>
{% endfor %}
'''
DATA = '''- id: joint-statement
  title: A joint statement that never came
  summary: The leaders issued no *joint* statement after the talks.
  actors: [putin]
  sources: [alaska-summit-article]
'''


@pytest.fixture(scope="module")
def with_documents(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    work = tmp_path_factory.mktemp("new-kind")
    package = work / "lib" / "explainer"
    shutil.copytree(REPO / "explainer", package,
                    ignore=shutil.ignore_patterns("__pycache__"))
    project = work / "project"
    for part in ("content", "data", "overrides", "mkdocs.yml"):
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, project / part)
        else:
            shutil.copy2(source, project / part)
    # 1. the model
    with (package / "models.py").open("a", encoding="utf-8") as models:
        models.write(MODEL)
    # 2. the registry entry, last in _REGISTRY
    kinds = (package / "kinds.py").read_text("utf-8")
    end = kinds.index("\n)\n", kinds.index("_REGISTRY = ("))
    (package / "kinds.py").write_text(kinds[:end + 1] + ENTRY + kinds[end + 1:], "utf-8")
    # 3. the template
    (package / "templates" / "documents.html").write_text(TEMPLATE, "utf-8")
    # 4. the data, a nav entry, and a section that links to the new kind
    (project / "data" / "documents.yaml").write_text(DATA, "utf-8")
    config = (project / "mkdocs.yml").read_text("utf-8")
    config = config.replace("  - Data: data/index.md",
                            "  - Documents: documents/index.md\n  - Data: data/index.md")
    (project / "mkdocs.yml").write_text(config, "utf-8")
    section = project / "content" / "what-wasnt-said.md"
    section.write_text(section.read_text("utf-8") + "\nSee [[document:joint-statement]].\n",
                       "utf-8")
    env = {**os.environ, "PYTHONPATH": str(work / "lib")}
    return project, env


def _cli(project: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "explainer.cli", "--root", str(project), *args],
                          capture_output=True, text=True, env=env, timeout=300, cwd=project)


def test_the_copy_of_the_package_is_the_one_used(with_documents: tuple[Path, dict]) -> None:
    project, env = with_documents
    run = subprocess.run([sys.executable, "-c", "import explainer; print(explainer.__file__)"],
                         capture_output=True, text=True, env=env, cwd=project, check=True)
    assert not run.stdout.startswith(str(REPO)), run.stdout


def test_check_counts_and_checks_the_new_kind(with_documents: tuple[Path, dict]) -> None:
    project, env = with_documents
    run = _cli(project, env, "check", "--strict")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 documents" in run.stdout + run.stderr
    # Its references are checked like any other kind's.
    data = project / "data" / "documents.yaml"
    data.write_text(DATA.replace("actors: [putin]", "actors: [puttin]"), "utf-8")
    try:
        run = _cli(project, env, "check")
    finally:
        data.write_text(DATA, "utf-8")
    assert run.returncode == 1
    assert "data/documents.yaml:4:12: error: unknown actor 'puttin' (did you mean 'putin'?)" \
        in run.stderr, run.stderr


def test_the_site_has_the_new_kind_page_links_and_export(
        with_documents: tuple[Path, dict]) -> None:
    project, env = with_documents
    run = _cli(project, env, "build")
    assert run.returncode == 0, run.stderr[-3000:]
    site = project / "site"
    page = (site / "documents" / "index.html").read_text("utf-8")
    assert 'id="document-joint-statement"' in page
    assert "A joint statement that never came" in page
    assert "<em>joint</em>" in page
    section = (site / "what-wasnt-said" / "index.html").read_text("utf-8")
    assert ('<a class="ex-ref ex-ref--document" href="../documents/#document-joint-statement">'
            "A joint statement that never came</a>") in section
    exported = json.loads((site / "data" / "documents.json").read_text("utf-8"))
    assert [row["id"] for row in exported] == ["joint-statement"]
    assert "documents" in json.loads((site / "data" / "all.json").read_text("utf-8"))
    schema = json.loads((site / "data" / "schemas" / "documents.schema.json").read_text())
    assert schema["description"] == "data/documents.json on the site: a list of documents"
