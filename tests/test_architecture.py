"""The layout is the architecture: imports between the rooms run one way, no module imports itself back through
others, one module reads the environment, and docs/architecture.md draws the rooms as they are.

Rooms: ``assistant/settings.py`` (every setting: the ground floor), ``assistant/content`` (staff-owned content and its
rules), ``assistant/nlu`` (pipeline components), ``assistant/privacy`` (what personal data looks like),
``assistant/store`` (the conversation store), ``assistant/server`` (Rasa server plug-ins),
``assistant/staff`` (command-line tools for content owners), ``assistant/console`` (the staff console: nothing imports
it), ``actions/`` (the action server's code), ``testkit/``
(the testers' kit) and ``benchmarks/``. Nothing on the serving path imports a staff tool; the action server loads only
content (and rasa-sdk), never the Rasa server's code.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Dict, Iterator, List, Set, Tuple

from tests.conftest import PROJECT_ROOT

PACKAGES = ("assistant", "actions", "testkit", "benchmarks")
# Who may import whom (besides itself): lower rooms never import higher ones.
ALLOWED: Dict[str, Set[str]] = {
    "settings": set(),
    "content": {"settings"},
    "nlu": {"content", "settings"},
    "privacy": {"content", "settings"},
    "store": {"content", "privacy", "settings"},
    "server": {"content", "nlu", "privacy", "store", "settings"},
    "staff": {"content", "privacy", "store", "settings"},
    "actions": {"content", "settings"},
    "console": {"content", "staff", "privacy", "settings"},
    "testkit": {"actions", "content", "nlu", "privacy", "server", "store", "settings"},
    "benchmarks": {"actions", "content", "nlu", "privacy", "server", "staff", "store", "settings", "testkit"},
}
Edge = Tuple[str, str]


def room_of(module: str) -> str:
    parts = module.split(".")
    if parts[0] in ("actions", "testkit", "benchmarks"):
        return parts[0]
    if parts[0] == "assistant" and len(parts) > 1 and parts[1] in ALLOWED:
        return parts[1]
    return ""


def python_modules() -> Iterator[Tuple[str, Path]]:
    for package in PACKAGES:
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
            yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


def imported_modules(path: Path, module: str) -> Set[str]:
    """Every module ``path`` imports, anywhere in it (inside functions and ``TYPE_CHECKING`` blocks too)."""
    found: Set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def import_graph() -> Dict[str, Set[str]]:
    """The project's modules and which of them each imports."""
    modules = dict(python_modules())
    return {
        module: {m for m in imported_modules(path, module) if m in modules and m != module}
        for module, path in modules.items()
    }


def imports_between_rooms() -> Dict[Edge, str]:
    """Every import from one room to another, with one module that does it."""
    edges: Dict[Edge, str] = {}
    for module, imported in import_graph().items():
        here = room_of(module)
        for name in imported:
            there = room_of(name)
            if here and there and there != here:
                edges.setdefault((here, there), module)
    return edges


def cycles(graph: Dict[str, Set[str]]) -> List[List[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    on_stack: Set[str] = set()
    found: List[List[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def drawn_edges() -> Set[Edge]:
    """The arrows of the Mermaid drawing in docs/architecture.md."""
    text = (PROJECT_ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    drawing = re.search(r"```mermaid\n(.*?)```", text, re.S)
    assert drawing, "docs/architecture.md has no ```mermaid drawing"
    return set(re.findall(r"^\s*(\w+)\s*-->\s*(\w+)", drawing.group(1), re.M))


def test_imports_run_one_way():
    wrong = {edge: module for edge, module in imports_between_rooms().items() if edge[1] not in ALLOWED[edge[0]]}
    assert wrong == {}, "imports against the layout: " + ", ".join(f"{m} ({a} -> {b})" for (a, b), m in wrong.items())


def test_no_module_imports_itself_back_through_others():
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_drawing_shows_the_imports_as_they_are():
    product = {edge for edge in imports_between_rooms() if "testkit" not in edge and "benchmarks" not in edge}
    assert drawn_edges() == product


def test_the_action_server_loads_no_rasa_server_code():
    for path in PROJECT_ROOT.glob("actions/*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert not {m for m in modules if m == "rasa" or m.startswith("rasa.")}, path.name


def every_python_file() -> Iterator[Path]:
    skipped = (".venv", "node_modules", ".git", "helm-charts")
    for path in sorted(PROJECT_ROOT.rglob("*.py")):
        if not any(part in skipped for part in path.relative_to(PROJECT_ROOT).parts):
            yield path


def test_only_the_settings_module_reads_the_environment():
    reads = re.compile(r"\bos\.environ\b|\bos\.getenv\b|\bfrom os import [^\n]*\b(?:environ|getenv)\b")
    readers = [
        str(path.relative_to(PROJECT_ROOT))
        for path in every_python_file()
        if reads.search(path.read_text(encoding="utf-8"))
    ]
    assert readers == ["assistant/settings.py"]
