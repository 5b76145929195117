"""Architecture: api never imports web, services know no HTTP or templates, module habits."""

import ast
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from api.settings import PROJECT_ROOT

API = PROJECT_ROOT / "api"
WEB = PROJECT_ROOT / "web"
# The front end's installed packages and vendored assets are not the project's modules.
WEB_SKIPPED = ("node_modules", "static")
WEB_FRAMEWORKS = ("fastapi", "starlette", "jinja2", "jinja2_fragments")
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


@dataclass(frozen=True)
class Import:
    module: str
    line: int
    in_function: bool


def python_files(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if root == WEB and parts[0] in WEB_SKIPPED:
            continue
        yield path


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _absolute(path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package.pop()
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _literal_import(call: ast.Call) -> str | None:
    """The module named by importlib.import_module("x") or __import__("x"), if literal."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name not in ("import_module", "__import__") or not call.args:
        return None
    first = call.args[0]
    return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None


def imports(path: Path, *, source: str | None = None) -> list[Import]:
    """Every module the file imports, statically or through importlib with a literal name;
    source, when given, stands in for the file's text."""
    tree = ast.parse(path.read_text() if source is None else source, filename=str(path))
    found: list[Import] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        if isinstance(node, ast.Import):
            found.extend(Import(alias.name, node.lineno, in_function) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(path, node)
            found.append(Import(base, node.lineno, in_function))
            found.extend(Import(f"{base}.{alias.name}", node.lineno, in_function)
                         for alias in node.names if alias.name != "*")
        elif isinstance(node, ast.Call) and (dynamic := _literal_import(node)):
            found.append(Import(dynamic, node.lineno, in_function))
        inside = in_function or isinstance(node, FUNCTIONS)
        for child in ast.iter_child_nodes(node):
            visit(child, inside)

    visit(tree, False)
    return found


def is_within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _web_import_allowed(path: Path, found: Import) -> bool:
    # The two places that join the rooms: create_app() mounts the pages (imported inside the
    # function so importing api.app stays free of web), and the command line starts the server.
    relative = path.relative_to(PROJECT_ROOT).as_posix()
    return relative == "api/cli.py" or (relative == "api/app.py" and found.in_function)


def test_api_never_imports_web() -> None:
    offenders = [
        f"{path.relative_to(PROJECT_ROOT)}:{found.line} imports {found.module}"
        for path in python_files(API)
        for found in imports(path)
        if is_within(found.module, "web") and not _web_import_allowed(path, found)
    ]
    assert offenders == []


def test_the_composition_root_imports_web_only_inside_create_app() -> None:
    # Also shows the walk above sees function-local imports: the one known case is found.
    web_imports = [found for found in imports(API / "app.py") if is_within(found.module, "web")]
    assert web_imports
    assert all(found.in_function for found in web_imports)


def test_import_walk_resolves_relative_and_dynamic_imports() -> None:
    source = (
        "from . import models\n"
        "from ..people import service\n"
        "import importlib\n"
        "importlib.import_module('web.app')\n"
        "def later():\n"
        "    from fastapi import Request\n"
    )
    found = {(item.module, item.in_function)
             for item in imports(API / "organizations" / "service.py", source=source)}
    assert ("api.organizations.models", False) in found
    assert ("api.people.service", False) in found
    assert ("web.app", False) in found
    assert ("fastapi", True) in found


def test_no_service_imports_web_frameworks() -> None:
    services = sorted(API.rglob("service.py"))
    assert services
    offenders = [
        f"{path.relative_to(PROJECT_ROOT)}:{found.line} imports {found.module}"
        for path in services
        for found in imports(path)
        if any(is_within(found.module, framework) for framework in WEB_FRAMEWORKS)
    ]
    assert offenders == []


def _run_python(code: str) -> object:
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


# Records-request letters are plain-text documents rendered with jinja2 (no HTML, no pages);
# that module may load jinja2 itself, and nothing else from the web frameworks.
LETTER_RENDERER = "api.records_requests.letters"


def test_the_letter_renderer_loads_only_jinja2() -> None:
    loaded = _run_python(
        "import importlib, json, sys\n"
        f"importlib.import_module({LETTER_RENDERER!r})\n"
        f"print(json.dumps(sorted(f for f in {WEB_FRAMEWORKS!r} if f in sys.modules)))\n"
    )
    assert loaded == ["jinja2"]


def test_services_pull_in_no_web_framework_when_imported() -> None:
    """Catches what the static walk cannot: a framework reached through another api module."""
    services = [module_name(path) for path in sorted(API.rglob("service.py"))]
    loaded = _run_python(
        "import importlib, json, sys\n"
        f"importlib.import_module({LETTER_RENDERER!r})\n"
        f"frameworks = {WEB_FRAMEWORKS!r}\n"
        "first = {f: 'already loaded' for f in frameworks if f in sys.modules}\n"
        f"for name in {services!r}:\n"
        "    importlib.import_module(name)\n"
        "    for f in frameworks:\n"
        "        if f in sys.modules and f not in first:\n"
        "            first[f] = name\n"
        "print(json.dumps(first))\n"
    )
    assert loaded == {"jinja2": "already loaded"}


def test_importing_every_api_module_loads_no_web_module() -> None:
    modules = [module_name(path) for path in python_files(API)]
    loaded = _run_python(
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m == 'web' or m.startswith('web.'))))\n"
    )
    assert loaded == []


def test_no_grab_bag_modules() -> None:
    grab_bags = {"utils", "helpers", "misc"}
    offenders = [
        path.relative_to(PROJECT_ROOT).as_posix()
        for root in (API, WEB)
        for path in python_files(root)
        if grab_bags & {path.stem, *path.relative_to(root).parent.parts}
    ]
    assert offenders == []


def test_every_module_has_a_docstring() -> None:
    roots = (API, WEB, PROJECT_ROOT / "migrations")
    missing = [
        path.relative_to(PROJECT_ROOT).as_posix()
        for root in roots
        for path in python_files(root)
        if not (ast.get_docstring(ast.parse(path.read_text())) or "").strip()
    ]
    assert missing == []


def test_every_template_is_html() -> None:
    templates = [path for path in (WEB / "templates").rglob("*") if path.is_file()]
    assert WEB / "templates" / "base.html" in templates
    assert [path.relative_to(WEB).as_posix() for path in templates
            if path.suffix != ".html"] == []
