"""The package's layers: imports point down only, and only the host adapter knows MkDocs.

content (records) <- site (outputs) <- host (MkDocs) and tools (the otkb command)

site/ holds what the records become; the build's mechanics (the atomic site
folder, the build stamp from git, the steps of a MkDocs build) are the host's,
and hooks/main.py only wires MkDocs' events to them.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import PROJECT

PACKAGE = PROJECT / "hooks" / "otkb"
LAYERS = {"content": 0, "site": 1, "host": 2, "tools": 2}
BUILDERS = ("mkdocs", "material", "properdocs")
# What a build does besides making pages: run git (the stamp), swap folders (renameat2 through ctypes).
BUILD_MECHANICS = ("subprocess", "ctypes")


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


def _graph(outside: tuple[str, ...] = ()) -> dict[str, set[str]]:
    """{module: the otkb modules it imports, and the site builders' and `outside`'s modules}."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {m for m in _imports(path) if m in modules or m.split(".")[0] in BUILDERS + outside}
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


def test_content_and_site_leave_the_build_to_the_host():
    """Records and what they become are plain modules: no MkDocs, no git, no folder swaps."""
    offenders = {module: sorted(m for m in imports if m.split(".")[0] in BUILDERS + BUILD_MECHANICS)
                 for module, imports in _graph(BUILD_MECHANICS).items() if _layer(module) in (0, 1)}
    assert {m: i for m, i in offenders.items() if i} == {}


def test_hooks_main_only_wires_events():
    """hooks/main.py hands each event to otkb: no branch, loop or error handling of its own, and no
    function but MkDocs' events (and the preview's update, which must find the build of the moment)."""
    tree = ast.parse((PROJECT / "hooks" / "main.py").read_text(encoding="utf-8"))
    logic = sorted({type(node).__name__ for node in ast.walk(tree)
                    if isinstance(node, (ast.If, ast.IfExp, ast.For, ast.While, ast.Try, ast.With, ast.comprehension))})
    assert logic == []
    functions = [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]
    assert [name for name in functions if not name.startswith("on_")] == ["_update_in_place"]


# --- kinds are named in their declarations only --------------------------------------

KIND_NAMES_ALLOWED = {
    # keys of the JSON the browser's scripts read (search-worker.js, finder.js), not kinds
    "site/search.py": {"milestones"},
    "site/search_shards.py": {"milestones"},
    "site/finder.py": {"activities"},
}
"""Files (under hooks/otkb/) allowed a kind's name as a string, with the names allowed."""


def _own_templates() -> dict[str, str]:
    """{template: the kind} of the templates only one kind uses: its page, listing and card templates,
    and its `otkb new` template (a template two kinds use is shared, and names no kind)."""
    from otkb.content.kinds import KINDS

    users: dict[str, set[str]] = {}
    for name, kind in KINDS.items():
        for template in (kind.template, kind.listing_template, kind.card_template, f"{name}.yml.j2"):
            if template:
                users.setdefault(template, set()).add(name)
    return {template: next(iter(kinds)) for template, kinds in users.items() if len(kinds) == 1}


def _kind_names_in_python(path: Path, names: set[str]) -> list[tuple[int, str]]:
    return [(node.lineno, node.value) for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Constant) and node.value in names]


def test_no_module_or_shared_template_names_a_kind():
    """What a kind does differently is on its declaration (otkb.content.kinds), so nothing else
    branches on a kind's name: Python code, shared templates and the theme's pages name none. Each
    kind's own templates may name it; the models and the declarations do."""
    import re

    from otkb.content.kinds import KINDS

    names = set(KINDS)
    quoted = re.compile(r"""["'](%s)["']""" % "|".join(map(re.escape, names)))
    own = _own_templates()
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        where = path.relative_to(PACKAGE).as_posix()
        if where in ("content/kinds.py", "content/models.py"):
            continue
        found += [(where, line, name) for line, name in _kind_names_in_python(path, names)
                  if name not in KIND_NAMES_ALLOWED.get(where, set())]
    templates = [*PACKAGE.rglob("*.j2"), *(PROJECT / "overrides").glob("*.html"),
                 *(PROJECT / "overrides" / "partials").glob("*.html")]
    for path in sorted(templates):
        for line_number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            found += [(path.relative_to(PROJECT).as_posix(), line_number, match.group(1))
                      for match in quoted.finditer(line) if own.get(path.name) != match.group(1)]
    assert found == []
