"""The package layout as a rule: imports go one way, in no circle, discord stays in its room.

Read from the source with ast (nothing is imported or run), so a violation anywhere, even
inside a function, fails here with the file and line.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEAVES = {"bot", "bot.config", "bot.text", "bot.dates", "bot.files"}
# Each layer may import the layers before it (and itself); cli and the Discord package are
# siblings over the pictures, and commands/ sit on top.
LAYERS = ["leaves", "bot.dataset", "bot.index", "bot.engine", "bot.pictures",
          "bot.discord_adapter", "bot.cli", "commands", "bot.__main__"]
SIBLINGS = {("bot.cli", "bot.discord_adapter")}  # `python -m bot run|sync` starts the Discord client
DISCORD_ROOMS = ("bot.discord_adapter", "commands")


def modules() -> dict[str, Path]:
    out = {}
    for base in ("bot", "commands"):
        for path in sorted((ROOT / base).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


MODULES = modules()


def layer(module: str) -> str:
    if module in LEAVES:
        return "leaves"
    return next(name for name in LAYERS[1:] if module == name or module.startswith(name + "."))


def imports(module: str, path: Path):
    """(line, imported module, names) for every import statement, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            names = [a.name for a in node.names]
            submodules = [f"{base}.{n}" for n in names if f"{base}.{n}" in MODULES]
            if submodules:   # `from bot.engine import names` imports a module
                for sub in submodules:
                    yield node.lineno, sub, []
                names = [n for n in names if f"{base}.{n}" not in MODULES]
                if not names:
                    continue
            yield node.lineno, base, names


def ours(target: str) -> str | None:
    """The project module an import names, or None for the standard library and packages."""
    while target:
        if target in MODULES:
            return target
        target = target.rpartition(".")[0]
    return None


def test_every_module_belongs_to_a_layer():
    assert {layer(m) for m in MODULES} <= set(LAYERS)
    stray = [m for m in MODULES if m.count(".") == 1 and m.startswith("bot.") and m not in LEAVES
             and m != "bot.__main__" and not (ROOT / m.replace(".", "/")).is_dir()]
    assert not stray, f"modules at the top of bot/ that are not shared leaves: {stray}"


def test_imports_go_one_way():
    bad = []
    for module, path in MODULES.items():
        mine = LAYERS.index(layer(module))
        for line, target, _ in imports(module, path):
            dep = ours(target)
            if dep is None or layer(dep) == layer(module) or (layer(module), layer(dep)) in SIBLINGS:
                continue
            if LAYERS.index(layer(dep)) > mine:
                bad.append(f"{path.relative_to(ROOT)}:{line} {module} ({layer(module)}) imports {dep} ({layer(dep)})")
    assert not bad, "imports against the layering:\n" + "\n".join(bad)


def test_no_import_cycles():
    graph = {m: sorted({d for _, t, _ in imports(m, p) if (d := ours(t)) and d != m}) for m, p in MODULES.items()}
    # a package imports its own modules when it re-exports them; that is not a circle
    graph = {m: [d for d in deps if not d.startswith(m + ".")] for m, deps in graph.items()}
    cycles, state = [], {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for dep in graph[node]:
            if state.get(dep) == "open":
                cycles.append(" → ".join(trail[trail.index(dep):] + [dep]))
            elif dep not in state:
                visit(dep, trail + [dep])
        state[node] = "done"

    for m in graph:
        if m not in state:
            visit(m, [m])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_discord_only_in_its_rooms():
    bad = [f"{p.relative_to(ROOT)}:{line}" for m, p in MODULES.items() for line, t, _ in imports(m, p)
           if t.split(".")[0] == "discord" and not m.startswith(DISCORD_ROOMS)]
    assert not bad, "discord imported outside bot/discord_adapter and commands/: " + ", ".join(bad)


def test_no_private_name_crosses_modules():
    bad = [f"{p.relative_to(ROOT)}:{line} {t}.{n}" for m, p in MODULES.items() for line, t, names in imports(m, p)
           for n in names if n.startswith("_") and not n.startswith("__") and ours(t) and ours(t) != m]
    assert not bad, "private names imported from another module: " + ", ".join(bad)
