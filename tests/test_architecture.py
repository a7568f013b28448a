"""The package's layers: imports point down only, and only the host adapter knows MkDocs.

content (records) <- site (outputs) <- host (MkDocs) and tools (the otkb command)
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import PROJECT

PACKAGE = PROJECT / "hooks" / "otkb"
LAYERS = {"content": 0, "site": 1, "host": 2, "tools": 2}
BUILDERS = ("mkdocs", "material", "properdocs")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, anywhere in the file (lazy imports count too)."""
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1]) if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            found.add(module)
            found |= {f"{module}.{alias.name}" for alias in node.names}  # `from . import load`
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {m for m in _imports(path) if m in modules} | {m for m in _imports(path) if m.split(".")[0] in BUILDERS}
            for name, path in modules.items()}


def _layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.get(parts[1]) if len(parts) > 1 else None


def test_only_the_host_adapter_imports_a_site_builder():
    offenders = {module: sorted(m for m in imports if m.split(".")[0] in BUILDERS)
                 for module, imports in _graph().items() if not module.startswith("otkb.host")}
    assert {m: i for m, i in offenders.items() if i} == {}


def test_imports_point_down_the_layers():
    upward = [(module, imported) for module, imports in _graph().items() for imported in imports
              if imported.startswith("otkb.") and _layer(module) is not None and _layer(imported) is not None
              and _layer(imported) > _layer(module)]
    assert upward == []
    sideways = [(m, i) for m, imports in _graph().items() for i in imports
                if m.startswith("otkb.tools") and i.startswith("otkb.host")]
    assert sideways == []


def test_no_import_cycles():
    graph = {m: {i for i in imports if i.startswith("otkb.")} for m, imports in _graph().items()}
    cycles, state = [], {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for imported in sorted(graph.get(module, ())):
            if state.get(imported) == "open":
                cycles.append(path[path.index(imported):] + [imported])
            elif imported not in state:
                visit(imported, path + [imported])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_hooks_main_is_the_only_file_mkdocs_names():
    import yaml

    config = yaml.load((PROJECT / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)
    assert config["hooks"] == ["hooks/main.py"]
