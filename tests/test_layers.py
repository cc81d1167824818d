"""The house plan at the level of names: no package imports another package's private modules
(``from icoc.rules._engine import ...`` outside ``icoc.rules``); the layers between packages are
the import-linter contract in pyproject.toml, checked by ``lint-imports`` in CI."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "icoc"
# Nothing is allowed: a new private import anywhere fails.
ALLOWED: set[tuple[str, str]] = set()


def _package(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:2]) if len(parts) > 2 else ".".join(parts)


def _imported(tree: ast.AST) -> list[str]:
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
            found.extend(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.extend(a.name for a in node.names)
    return found


def test_no_package_imports_another_packages_private_names() -> None:
    offenders = []
    for path in SRC.rglob("*.py"):
        mine = _package(path)
        for name in _imported(ast.parse(path.read_text(encoding="utf-8"))):
            parts = name.split(".")
            if len(parts) >= 2 and parts[0] == "icoc" and parts[1].startswith("_") and not parts[1].startswith("__"):
                offenders.append(f"{path.relative_to(SRC.parent)}: {name} (a private module of the root)")
                continue
            if len(parts) < 3 or parts[0] != "icoc" or not parts[2].startswith("_"):
                continue
            owner = ".".join(parts[:2])
            if owner != mine and (mine, ".".join(parts[:3])) not in ALLOWED:
                offenders.append(f"{path.relative_to(SRC.parent)}: {name}")
    assert offenders == []


def test_the_check_sees_a_private_import() -> None:
    tree = ast.parse("from icoc.rules._engine import Journal\nimport icoc.io._convert\nfrom icoc._x import y\n")
    assert "icoc.rules._engine" in _imported(tree) and "icoc.io._convert" in _imported(tree)
    assert "icoc._x" in _imported(tree)


def test_the_house_plan_page_lists_the_contract_layers_in_order() -> None:
    """docs/architecture.md's table is the contract in pyproject.toml, layer by layer."""
    import re
    import tomllib

    root = SRC.parent.parent
    contract = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    (layers_contract,) = [c for c in contract["contracts"] if c["type"] == "layers"]
    assert "ignore_imports" not in layers_contract or not layers_contract["ignore_imports"]
    expected = [sorted(re.split(r"\s*[|:]\s*", layer)) for layer in layers_contract["layers"]]
    page = (root / "docs" / "architecture.md").read_text(encoding="utf-8")
    table = page.split("<!-- layers:", 1)[1].split("\n\n", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    shown = [sorted(re.findall(r"`(icoc[.\w]*)`", row.split("|")[1])) for row in rows]
    assert shown == expected


def test_no_source_file_is_over_500_lines() -> None:
    """Each module holds one concern: split a file by concern before it grows past 500 lines."""
    long = {
        str(path.relative_to(SRC.parent)): n
        for path in SRC.rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 500
    }
    assert long == {}
