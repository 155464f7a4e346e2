"""The package's architecture rules, checked on its source: no import cycles, no private names imported across
modules, modules small enough to read in one sitting (or saying at their top why not)."""

from __future__ import annotations

import ast

from support import ROOT

SRC = ROOT / "src"
MAX_LINES = 400


def modules() -> dict[str, ast.Module]:
    out = {}
    for path in sorted((SRC / "pipeline").rglob("*.py")):
        name = ".".join(path.with_suffix("").relative_to(SRC).parts).removesuffix(".__init__")
        out[name] = ast.parse(path.read_text(encoding="utf-8"))
    return out


def imports(tree: ast.Module) -> list[tuple[str, list[str]]]:
    """(module, imported names) of every ``pipeline`` import, wherever it stands (lazy imports too)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("pipeline"):
            found.append((node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names if a.name.startswith("pipeline")]
    return found


def test_no_import_cycles():
    mods = modules()
    graph: dict[str, set[str]] = {name: set() for name in mods}
    for name, tree in mods.items():
        for module, names in imports(tree):
            for target in (module, *(f"{module}.{n}" for n in names)):
                if target in mods and target != name:
                    graph[name].add(target)
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt):], nxt] if nxt in path else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for name in graph:
        if name not in state:
            visit(name, [name])
    assert not cycles, cycles


def test_no_private_names_imported_across_modules():
    bad = [(name, module, n) for name, tree in modules().items() for module, names in imports(tree)
           for n in names if n.startswith("_") and module != name]
    assert not bad, bad


def test_modules_are_short_or_say_why():
    long = []
    for path in sorted((SRC / "pipeline").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        doc = ast.get_docstring(ast.parse(text)) or ""
        if text.count("\n") > MAX_LINES and "longer than" not in doc:
            long.append(f"{path.relative_to(SRC)}: {text.count(chr(10))} lines")
    assert not long, long
