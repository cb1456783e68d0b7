"""The shape of the code: no module imports itself back, and every stage is where its name says.

The layers between packages are import-linter contracts in pyproject.toml
(``lint-imports``, run by ``make lint``); this test covers what a layers
contract cannot see: a cycle between two modules of one package.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import grimp

from bot.inbound.pipeline import STAGE_FUNCTIONS, STAGES

REPO = Path(__file__).resolve().parents[2]


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    imported = graph.find_modules_directly_imported_by(child)
                    work.append((child, iter(sorted(imported))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
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
    return found


def test_no_module_imports_itself_back() -> None:
    # TYPE_CHECKING imports count: a cycle hidden from the interpreter is
    # still one a reader has to untangle.
    graph = grimp.build_graph("bot")
    assert _cycles(graph) == []


def test_the_cycle_finder_sees_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for name in ("a", "a.one", "a.two", "a.three"):
        graph.add_module(name)
    graph.add_import(importer="a.one", imported="a.two")
    graph.add_import(importer="a.two", imported="a.one")
    graph.add_import(importer="a.three", imported="a.one")
    assert _cycles(graph) == [["a.one", "a.two"]]


def test_each_stage_lives_in_the_module_named_after_it() -> None:
    for name in STAGES:
        module = importlib.import_module(f"bot.inbound.stages.{name}")
        assert STAGE_FUNCTIONS[name] is getattr(module, f"stage_{name}")
        assert module.__doc__, f"bot/inbound/stages/{name}.py opens with no docstring"


def test_no_module_over_400_lines() -> None:
    # bot/extract/lexicon.py is being rewritten into data files (another
    # change); it is the one known exception until then.
    known = {"bot/extract/lexicon.py"}
    long = [str(p.relative_to(REPO)) for p in sorted((REPO / "bot").rglob("*.py"))
            if len(p.read_text(encoding="utf-8").splitlines()) > 400
            and str(p.relative_to(REPO)) not in known]
    assert long == []
