"""Every public name is documented: it has a docstring and an entry on an API reference page.

Public modules are those under ``icoc`` with no ``_``-prefixed part in their path; their public
names are their ``__all__``. Docstrings are read with griffe (what mkdocstrings renders), so
constants count as documented by the string literal under them. Reference entries are the
``::: module.name`` lines of the docs after the docs hook has expanded its markers.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import pkgutil
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import griffe
import pytest

import icoc

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

# Names defined in files another change is reworking right now; their docstrings come with it.
# Remove a name from here once it has one (the test fails if a listed name is documented).
PENDING_DOCSTRINGS: set[str] = set()


def public_modules() -> list[ModuleType]:
    found = [icoc]
    for info in pkgutil.walk_packages(icoc.__path__, "icoc."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            found.append(importlib.import_module(info.name))
    return [m for m in found if hasattr(m, "__all__")]


def _load_hooks() -> Any:
    spec = importlib.util.spec_from_file_location("icoc_docs_hooks", DOCS / "hooks.py")
    assert spec is not None and spec.loader is not None
    hooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hooks)
    return hooks


def reference_entries() -> set[tuple[str, str]]:
    """(module, name) of every ``::: module.name`` in the rendered docs."""
    hooks = _load_hooks()
    entries: set[tuple[str, str]] = set()
    for page in DOCS.rglob("*.md"):
        text = hooks.on_page_markdown(page.read_text(encoding="utf-8"))
        for dotted in re.findall(r"^:::\s*([\w.]+)\s*$", text, re.MULTILINE):
            module, _, name = dotted.rpartition(".")
            entries.add((module, name))
    return entries


def _documented_values(entries: set[tuple[str, str]]) -> list[tuple[str, object]]:
    values = []
    for module, name in entries:
        try:
            values.append((name, getattr(importlib.import_module(module), name)))
        except (ImportError, AttributeError):
            continue
    return values


PUBLIC = [(m.__name__, name) for m in public_modules() for name in m.__all__]


def test_public_modules_are_found() -> None:
    names = {m for m, _ in PUBLIC}
    assert {"icoc", "icoc.model", "icoc.model.events", "icoc.testing", "icoc.store", "icoc.io"} <= names


def test_every_public_name_is_on_a_reference_page() -> None:
    documented = _documented_values(reference_entries())
    missing = []
    for module, name in PUBLIC:
        value = getattr(importlib.import_module(module), name)
        # Classes and functions are found wherever they are re-exported; values by name too.
        by_identity = inspect.isclass(value) or callable(value) or isinstance(value, ModuleType)
        if not any(v is value and (by_identity or n == name) for n, v in documented):
            missing.append(f"{module}.{name}")
    assert not missing, f"not on any API reference page: {missing}"


def test_every_reference_entry_names_a_public_name() -> None:
    public = set(PUBLIC)
    modules = {m for m, _ in PUBLIC}
    stray = sorted(f"{m}.{n}" for m, n in reference_entries() if (m, n) not in public and f"{m}.{n}" not in modules)
    assert not stray, f"reference entries for names outside __all__: {stray}"


@pytest.fixture(scope="module")
def package() -> griffe.Object:
    return griffe.load("icoc", search_paths=[str(ROOT / "src")], resolve_aliases=True, resolve_external=False)


def test_every_public_name_has_a_docstring(package: griffe.Object) -> None:
    missing = []
    for module, name in PUBLIC:
        path = f"{module}.{name}".removeprefix("icoc.") if module != "icoc" else name
        obj = package[path]
        target = obj.final_target if obj.is_alias else obj
        if target.docstring is None or not target.docstring.value.strip():
            missing.append(f"{module}.{name}")
    assert sorted(set(missing) - PENDING_DOCSTRINGS) == [], "public names without a docstring"
    assert PENDING_DOCSTRINGS <= set(missing), "documented now: remove from PENDING_DOCSTRINGS"


def test_every_page_is_linked_from_the_home_page() -> None:
    home = (DOCS / "index.md").read_text(encoding="utf-8")
    linked = {m.split("#")[0] for m in re.findall(r"\]\(([^)\s]+\.md[^)\s]*)\)", home)}
    pages = {str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md")} - {"index.md"}
    assert sorted(pages - linked) == []


def test_the_diagram_renderer_ships_with_the_site() -> None:
    """Material loads Mermaid from a CDN unless a ``mermaid`` global exists: the vendored copy
    provides it, so the process diagrams render offline."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    scripts = re.findall(r"^\s+- (assets/javascripts/\S+\.js)\s*$", config, re.MULTILINE)
    assert "assets/javascripts/mermaid.min.js" in scripts
    renderer = (DOCS / "assets" / "javascripts" / "mermaid.min.js").read_text(encoding="utf-8")
    assert 'globalThis["mermaid"]' in renderer
    assert "extra_javascript:" in config and "://" not in "".join(scripts)
