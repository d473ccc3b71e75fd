"""The plugin as another site gets it: the built wheel, installed into a fresh virtual
environment, builds a small site of its own with `plugins: [explainer]`.

Nothing is downloaded: the wheel is built from this checkout with the build tools of the
test environment, and the fresh environment borrows the test environment's installed
packages for the dependencies, but not this checkout, so the package must bring its own
templates, theme layer and assets.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from explainer.plugin.theme import stylesheet
from tests.sitehtml import parse_page

REPO = Path(__file__).resolve().parent.parent
MINIMAL = REPO / "tests" / "fixtures" / "minimal"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    source = out / "source"
    # A copy without .venv, site/ or caches, as an sdist would hold it.
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".venv", ".git", "site", ".cache", "__pycache__", "*.egg-info", "build", ".site-*",
        "bench", "tests"))
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                          "--no-build-isolation", "--no-index", "--quiet", "-w", str(out),
                          str(source)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    [built] = out.glob("mkdocs_explainer-*.whl")
    return built


@pytest.fixture(scope="module")
def fresh_python(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment with the wheel installed and nothing of this checkout."""
    home = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(home)], check=True)
    python = home / "bin" / "python"
    site_packages = Path(subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True).stdout.strip())
    with zipfile.ZipFile(wheel) as archive:  # a pure wheel installs by unpacking it
        archive.extractall(site_packages)
    # The dependencies, from the test environment: a path entry, so that its .pth files
    # (among them the editable install of this checkout) are not read.
    borrowed = sysconfig.get_paths()["purelib"]
    (site_packages / "borrowed-dependencies.pth").write_text(borrowed + "\n")
    return python


def test_the_wheel_carries_templates_theme_and_assets(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("explainer/templates/actor.html", "explainer/templates/macros.html",
                   "explainer/theme/main.html", "explainer/theme/partials/search.html",
                   "explainer/assets/css/10-explainer.css",
                   "explainer/assets/js/10-new-since-visit.js",
                   "explainer/py.typed"):
        assert needed in names, needed
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "explainer = explainer.plugin:ExplainerPlugin" in text


def test_an_installed_wheel_builds_a_site_of_its_own(fresh_python: Path,
                                                     tmp_path: Path) -> None:
    site = tmp_path / "minimal"
    shutil.copytree(MINIMAL, site)
    where = subprocess.run([str(fresh_python), "-c", "import explainer; print(explainer.__file__)"],
                           capture_output=True, text=True, cwd=site, check=True).stdout
    assert not where.startswith(str(REPO)), where  # the installed copy, not this checkout
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    run = subprocess.run([str(fresh_python), "-m", "mkdocs", "build", "--strict"], cwd=site,
                         capture_output=True, text=True, timeout=300, env=env)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Traceback" not in run.stderr
    built = site / "site"
    actors = parse_page(built, built / "actors" / "index.html")
    assert "Who’s who" in actors.text and "Vladimir Putin" in actors.text
    # The package's theme layer (its head metadata) and assets are in use.
    home = (built / "index.html").read_text("utf-8")
    assert 'name="explainer:site-root"' in home
    assert "assets/explainer.css" in home
    assert (built / "assets" / "explainer.css").read_bytes() == stylesheet()
    assert (built / "data" / "all.json").is_file()


def test_every_third_party_import_is_a_declared_dependency(wheel: Path) -> None:
    """What the package imports at run time is in the wheel's declared dependencies (or
    theirs), so `pip install mkdocs-explainer` is enough; test tools are only in the
    extra."""
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        lines = archive.read(name).decode().splitlines()
    declared = _closure([line.split(":", 1)[1].strip() for line in lines
                         if line.startswith("Requires-Dist:")])
    owners = metadata.packages_distributions()
    undeclared = {}
    for module in _imported_top_level_modules(REPO / "explainer"):
        if module in sys.stdlib_module_names or module == "explainer":
            continue
        distributions = {_normal(name) for name in owners.get(module, [])}
        if not distributions & declared:
            undeclared[module] = sorted(distributions)
    assert undeclared == {}


def _closure(requirements: list[str]) -> set[str]:
    """The distributions that installing `requirements` installs, extras left out."""
    found: set[str] = set()
    pending = [Requirement(r) for r in requirements]
    while pending:
        requirement = pending.pop()
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        name = _normal(requirement.name)
        if name in found:
            continue
        found.add(name)
        pending.extend(Requirement(r) for r in metadata.requires(name) or [])
    return found


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _imported_top_level_modules(package: Path) -> set[str]:
    modules: set[str] = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    return modules


def test_plain_mkdocs_reports_bad_data_in_a_line_not_a_traceback(fresh_python: Path,
                                                                  tmp_path: Path) -> None:
    site = tmp_path / "minimal"
    shutil.copytree(MINIMAL, site)
    actors = site / "data" / "actors.yaml"
    actors.write_text(actors.read_text("utf-8").replace("id: putin", "id: Putin!", 1), "utf-8")
    run = subprocess.run([str(fresh_python), "-m", "mkdocs", "build"], cwd=site,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    assert "data/actors.yaml:" in run.stderr and "id 'Putin!' must be lowercase" in run.stderr
