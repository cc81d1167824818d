"""Every ```python block in README.md and docs/*.md runs: blocks of one file run in order, in one
namespace, so later examples can use what earlier ones defined. A failing example fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])


def python_blocks(text: str) -> list[tuple[int, str]]:
    """(line number of the block's first line, code) for each ```python fence."""
    return [(text.count("\n", 0, m.start(1)) + 1, m.group(1)) for m in FENCE.finditer(text)]


def test_blocks_are_found() -> None:
    text = "intro\n```python\nx = 1\n```\n\n```bash\nls\n```\n```python\nassert x == 1\n```\n"
    assert python_blocks(text) == [(3, "x = 1\n"), (10, "assert x == 1\n")]


def test_readme_starts_with_the_two_setup_commands() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert lines[:6] == [
        "# icoc",
        "",
        "```bash",
        "python3 -m venv .venv && . .venv/bin/activate && pip install -e '.[dev]' && icoc demo",
        "pytest",
        "```",
    ]


@pytest.mark.parametrize("page", ["README.md", "docs/index.md", "docs/model.md", "docs/io.md", "docs/cli.md"])
def test_main_pages_have_examples(page: str) -> None:
    assert python_blocks((ROOT / page).read_text(encoding="utf-8")), f"{page} has no python example"


EXAMPLE_PAGES = [p for p in PAGES if python_blocks(p.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("path", EXAMPLE_PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_examples_run(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = python_blocks(path.read_text(encoding="utf-8"))
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    namespace: dict[str, object] = {"__name__": f"docs_{path.stem}"}
    for line, code in blocks:
        # Pad with newlines so a traceback points at the line in the Markdown file.
        compiled = compile("\n" * (line - 1) + code, str(path), "exec")
        exec(compiled, namespace)


def test_event_reference_links_each_process_to_a_page_that_shows_it() -> None:
    """The event reference links every process to the docs page holding its diagram marker."""
    from icoc.model.events import EVENT_TYPES
    from icoc.workflows import PROCESSES
    from icoc.workflows._docs import event_transitions_markdown

    link = re.compile(r"\]\(\.\./processes/([\w.-]+\.md)(?:#[\w-]+)?\)")
    targets = {
        page for event in EVENT_TYPES for page in link.findall(event_transitions_markdown(event, PROCESSES.values()))
    }
    assert targets
    for page in targets:
        text = (ROOT / "docs" / "processes" / page).read_text(encoding="utf-8")
        shown = re.findall(r"<!--\s*icoc:process\s+([\w.-]+)\s*-->", text)
        assert shown, page
