"""The layout is the architecture: imports between the rooms run one way, and docs/architecture.md draws them.

Rooms: ``assistant/content`` (staff-owned content and its rules), ``assistant/nlu`` (pipeline components),
``assistant/privacy``, ``assistant/server`` (Rasa server plug-ins), ``assistant/staff`` (command-line tools
for content owners) and ``actions/`` (the action server's code). Nothing on the serving path imports a staff
tool; the action server loads only content (and rasa-sdk), never the Rasa server's code.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Dict, Set, Tuple

from tests.conftest import PROJECT_ROOT

ROOMS = ("content", "nlu", "privacy", "server", "staff", "actions")
# Who may import whom (besides itself): lower rooms never import higher ones.
ALLOWED: Dict[str, Set[str]] = {
    "content": set(),
    "nlu": {"content"},
    "privacy": {"content"},
    "server": {"content", "nlu", "privacy"},
    "staff": {"content", "privacy"},
    "actions": {"content"},
}
Edge = Tuple[str, str]


def room_of(module: str) -> str:
    parts = module.split(".")
    if parts[0] == "actions":
        return "actions"
    if parts[0] == "assistant" and len(parts) > 1 and parts[1] in ROOMS:
        return parts[1]
    return ""


def imports_between_rooms() -> Dict[Edge, str]:
    """Every import from one room to another, with one module that does it."""
    edges: Dict[Edge, str] = {}
    for path in sorted([*PROJECT_ROOT.glob("assistant/*/**/*.py"), *PROJECT_ROOT.glob("actions/*.py")]):
        module = ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
        here = room_of(module)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            for name in names:
                there = room_of(name)
                if there and there != here:
                    edges.setdefault((here, there), module)
    return edges


def drawn_edges() -> Set[Edge]:
    """The arrows of the Mermaid drawing in docs/architecture.md."""
    text = (PROJECT_ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    drawing = re.search(r"```mermaid\n(.*?)```", text, re.S)
    assert drawing, "docs/architecture.md has no ```mermaid drawing"
    return set(re.findall(r"^\s*(\w+)\s*-->\s*(\w+)", drawing.group(1), re.M))


def test_imports_run_one_way():
    wrong = {edge: module for edge, module in imports_between_rooms().items() if edge[1] not in ALLOWED[edge[0]]}
    assert wrong == {}, "imports against the layout: " + ", ".join(f"{m} ({a} -> {b})" for (a, b), m in wrong.items())


def test_the_drawing_shows_the_imports_as_they_are():
    assert drawn_edges() == set(imports_between_rooms())


def test_the_action_server_loads_no_rasa_server_code():
    for path in PROJECT_ROOT.glob("actions/*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert not {m for m in modules if m == "rasa" or m.startswith("rasa.")}, path.name
