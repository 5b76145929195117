"""Architecture: api never imports web, services know no HTTP or templates, module habits."""

import ast
import json
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator
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
    # Under `if TYPE_CHECKING:`: read by type checkers, never run.
    typing_only: bool = False


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

    def visit(node: ast.AST, in_function: bool, typing_only: bool) -> None:
        if isinstance(node, ast.Import):
            found.extend(Import(alias.name, node.lineno, in_function, typing_only)
                         for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(path, node)
            found.append(Import(base, node.lineno, in_function, typing_only))
            found.extend(Import(f"{base}.{alias.name}", node.lineno, in_function, typing_only)
                         for alias in node.names if alias.name != "*")
        elif isinstance(node, ast.Call) and (dynamic := _literal_import(node)):
            found.append(Import(dynamic, node.lineno, in_function, typing_only))
        inside = in_function or isinstance(node, FUNCTIONS)
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                visit(child, inside, True)
            for child in node.orelse:
                visit(child, inside, typing_only)
            return
        for child in ast.iter_child_nodes(node):
            visit(child, inside, typing_only)

    visit(tree, False, False)
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


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


def test_api_answers_no_page() -> None:
    """A page, even a refusal's, is web/'s to write: api/ answers the API in problem JSON and
    is handed the pages' answers when the app is built (web.refusals)."""
    pages = ("starlette.responses.HTMLResponse", "fastapi.responses.HTMLResponse")
    offenders = [f"{path.relative_to(PROJECT_ROOT).as_posix()}:{item.line}"
                 for path in python_files(API) for item in imports(path) if item.module in pages]
    assert offenders == []


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


# ---- tests mirror the code: a test sits in the folder of the package it tests ------------------
# tests/<x>/ holds the tests of api/<x>/, tests/api/ those of api's own modules (the command
# line, the database, settings, lists), tests/web/ those of the pages; a folder deeper down
# mirrors a package deeper down. What mirrors no one package is listed here, with why.
TESTS = PROJECT_ROOT / "tests"
CROSS_CUTTING = {
    "test_architecture.py": "the shape of the whole repository",
    "test_self_contained.py": "what the repository carries for every package",
    "test_dockerfile.py": "the image built from the whole repository",
    "e2e": "browser journeys through every page",
    "bench": "benchmarks, run on their own and never collected",
    "fixtures": "recorded data, no tests",
}


def misplaced_tests(test_files: Iterable[str], packages: set[str]) -> list[str]:
    """The test files (paths under tests/) that sit at the top of tests/ or in a folder that
    mirrors no package; `packages` are the code's packages as paths (api, api/auth, web ...)."""
    found = []
    for name in test_files:
        *folders, file = name.split("/")
        if (folders[:1] or [file])[0] in CROSS_CUTTING:
            continue
        mirrored = "/".join(folders) if folders[:1] in (["api"], ["web"]) else "/".join(
            ["api", *folders])
        if not folders or mirrored not in packages:
            found.append(name)
    return found


def code_packages() -> set[str]:
    return {path.parent.relative_to(PROJECT_ROOT).as_posix()
            for root in (API, WEB) for path in python_files(root) if path.name == "__init__.py"}


def test_the_misplaced_test_finder_finds_each_kind() -> None:
    packages = {"api", "api/auth", "api/alerts", "web", "web/routes"}
    assert misplaced_tests(["test_x.py", "nothing/test_x.py", "auth/deeper/test_x.py",
                            "web/deeper/test_x.py"], packages) == [
        "test_x.py", "nothing/test_x.py", "auth/deeper/test_x.py", "web/deeper/test_x.py"]
    assert misplaced_tests(["test_architecture.py", "e2e/test_x.py", "api/test_x.py",
                            "auth/test_x.py", "web/routes/test_x.py", "alerts/test_x.py"],
                           packages) == []


def test_each_test_sits_in_the_folder_of_the_package_it_tests() -> None:
    files = [path.relative_to(TESTS).as_posix() for path in sorted(TESTS.rglob("test_*.py"))]
    assert misplaced_tests(files, code_packages()) == []
    assert all((TESTS / name).exists() for name in CROSS_CUTTING)


def test_every_template_is_html() -> None:
    templates = [path for path in (WEB / "templates").rglob("*") if path.is_file()]
    assert WEB / "templates" / "base.html" in templates
    assert [path.relative_to(WEB).as_posix() for path in templates
            if path.suffix != ".html"] == []


# ---- packages: an acyclic graph, in layers ----------------------------------------------------
# A package is a top-level module or subpackage of api/ or web/ (api.auth, api.crud, web.routes).
# Every import counts, at module level or inside a function, except those only type checkers
# read; so a cycle cannot be hidden by deferring one of its imports into a function.


def package_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] not in ("api", "web") or len(parts) < 2:
        return None
    return ".".join(parts[:2])


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    where: tuple[str, ...]


def package_edges() -> dict[tuple[str, str], Edge]:
    """Each package's imports of another package, with where in the files they are."""
    where: dict[tuple[str, str], list[str]] = {}
    for root in (API, WEB):
        for path in python_files(root):
            source = package_of(module_name(path))
            for found in imports(path):
                target = package_of(found.module)
                if source is None or target is None or target == source or found.typing_only:
                    continue
                at = f"{path.relative_to(PROJECT_ROOT).as_posix()}:{found.line}"
                places = where.setdefault((source, target), [])
                if at not in places:
                    places.append(at)
    return {key: Edge(*key, tuple(places)) for key, places in sorted(where.items())}


def find_cycle(edges: Iterable[tuple[str, str]]) -> list[str] | None:
    """One cycle of the graph as the packages along it, first repeated last; None if acyclic."""
    after: dict[str, list[str]] = {}
    for source, target in edges:
        after.setdefault(source, []).append(target)
    state: dict[str, str] = {}  # "open" while on the current path, "done" once left
    path: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for nxt in after.get(node, []):
            if state.get(nxt) == "open":
                return [*path[path.index(nxt):], nxt]
            if nxt not in state and (cycle := walk(nxt)):
                return cycle
        path.pop()
        state[node] = "done"
        return None

    for start in sorted(after):
        if start not in state and (cycle := walk(start)):
            return cycle
    return None


# Who may import whom: a package imports only packages of its own layer or a lower one. Within
# a layer, imports must still form no cycle. A package not named is refused, so a new one is
# placed here on purpose.
DOMAINS = ("actions", "agencies", "bodies", "campaigns", "contracts", "documents",
           "evidence", "jurisdictions", "known_outcomes", "media", "meetings", "organizations",
           "people", "records_requests", "sharing", "targets", "tasks", "vendors", "votes")
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("foundation", tuple(f"api.{name}" for name in (
        "settings", "clock", "errors", "db", "compiled_cache", "fields", "problems", "public_url",
        "log_redaction", "data_version", "outer_layers", "body_limit", "page_cache", "routing",
        "csv_export", "migrations", "concepts", "signing", "i18n", "date_windows",
        "cross_checks"))),
    ("permissions", ("api.auth",)),
    # Paging reads each list with the reader's criteria (api.auth), so it sits above them.
    ("records and request machinery", ("api.crud", "api.crud_routes", "api.deps",
                                       "api.security_headers", "api.keyset")),
    # The map outlines sit with the domains: a jurisdiction finds its county in them.
    ("domains", (*(f"api.{name}" for name in DOMAINS), "api.atlas")),
    ("services composed of domains", tuple(f"api.{name}" for name in (
        "accounts", "playbooks", "activity", "overview", "whip", "alerts", "search", "calendar",
        "sources", "backups", "retention", "exports", "public_pages", "supporters", "models",
        "demo", "maps"))),
    # What runs on a timer, wired above every part it runs.
    ("process upkeep", ("api.upkeep",)),
    ("web", tuple(f"web.{path.stem if path.is_file() else path.name}"
                  for path in sorted(WEB.iterdir())
                  if path.name not in WEB_SKIPPED and (path.suffix == ".py" or (
                      path.is_dir() and (path / "__init__.py").exists()))
                  and path.name != "__init__.py")),
    # The composition root builds the app from the api and the pages; the command line serves it.
    ("entry points", ("api.app", "api.cli")),
)
LAYER_OF = {package: index for index, (_, packages) in enumerate(LAYERS) for package in packages}

def test_the_layer_table_names_every_package() -> None:
    packages = {package_of(module_name(path)) for root in (API, WEB)
                for path in python_files(root)} - {None}
    assert sorted(packages - set(LAYER_OF)) == []
    assert sorted(set(LAYER_OF) - packages) == []


def test_no_import_goes_against_the_layers() -> None:
    against = [
        f"{edge.source} ({LAYERS[LAYER_OF[edge.source]][0]}) imports {edge.target} "
        f"({LAYERS[LAYER_OF[edge.target]][0]}) at {', '.join(edge.where)}"
        for edge in package_edges().values()
        if LAYER_OF[edge.target] > LAYER_OF[edge.source]
    ]
    assert against == []


def test_the_package_graph_is_acyclic() -> None:
    edges = package_edges()
    cycle = find_cycle(edges)
    shown = cycle and [f"{a} -> {b} at {', '.join(edges[a, b].where)}"
                       for a, b in zip(cycle, cycle[1:], strict=False)]
    assert cycle is None, "import cycle:\n" + "\n".join(shown or [])


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle([("a", "b"), ("b", "c")]) is None
    assert find_cycle([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")]) == ["a", "b", "c", "a"]


# Imports of the project's own modules inside a function, each with why it is not at the top
# of its module; anything else is moved up (a cycle is broken by moving code, not by hiding).
# Keyed by file and imported package.
_COMMAND = "a command imports what it runs only when run, so building the command line is quick"
DEFERRED_IMPORTS: dict[tuple[str, str], str] = {
    **{("api/cli.py", package): _COMMAND for package in (
        "api.accounts", "api.alerts", "api.backups", "api.db", "api.demo", "api.errors",
        "api.fields", "api.meetings", "api.migrations", "api.models", "api.playbooks",
        "api.problems", "api.retention", "api.sources", "api.upkeep")},
    **{("api/sources/commands.py", package): _COMMAND
       for package in ("api.accounts", "api.db", "api.errors", "api.sources")},
    **{("api/backups/commands.py", package): _COMMAND for package in ("api.backups", "api.clock")},
    ("api/app.py", "web.app"): "create_app mounts the pages; importing api.app loads no web module",
    ("api/app.py", "web.refusals"): "as web.app",
}


def test_function_level_imports_of_project_modules_are_each_explained() -> None:
    found = {
        (path.relative_to(PROJECT_ROOT).as_posix(), package_of(item.module))
        for root in (API, WEB)
        for path in python_files(root)
        for item in imports(path)
        if item.in_function and package_of(item.module) is not None
    }
    assert sorted(found - set(DEFERRED_IMPORTS)) == []
    assert sorted(set(DEFERRED_IMPORTS) - found) == []


# ---- permissions: every decision that turns on a role is made in api/auth ---------------------
# A module that compares roles itself keeps a second copy of a rule, which drifts from the one
# in api/auth/permissions; it asks a named function there instead.

_SQL_MEMBERSHIP = ("in_", "not_in")
ROLE_NAMES = ("admin", "lead", "partner", "viewer")
_ROLE_WORD = "|".join(ROLE_NAMES)
# In a template: a role compared or tested for membership, or a role's name compared with
# anything (`r != "admin"` is a permission rule however the variable is called).
_TEMPLATE_ROLE_TEST = re.compile(
    rf"\.role\b\s*(?:[!=]=|is\b|(?:not\s+)?in\b)|[!=]=\s*[\"'](?:{_ROLE_WORD})[\"']"
    rf"|[\"'](?:{_ROLE_WORD})[\"']\s*(?:[!=]=|(?:not\s+)?in\b)"
    rf"|\bin\s*[(\[]\s*[\"'](?:{_ROLE_WORD})[\"']")


def _names_a_role(node: ast.AST) -> bool:
    """Role.lead, someone.role (and so someone.role.value), getattr(someone, "role"),
    role_of(someone), or a role's name written out (a role kept in a variable is compared
    with one of these)."""
    if isinstance(node, ast.Attribute):
        return node.attr == "role" or (isinstance(node.value, ast.Name) and node.value.id == "Role")
    if isinstance(node, ast.Constant):
        return node.value in ROLE_NAMES
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name == "role_of":
            return True
        second = node.args[1] if name == "getattr" and len(node.args) > 1 else None
        return isinstance(second, ast.Constant) and second.value == "role"
    return False


def _bound_name(node: ast.AST) -> str | None:
    """The name an expression reads a value by: `LEADS`, `self.leads`, `permissions.LEADS`."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _involves_a_role(node: ast.AST, role_names: frozenset[str] = frozenset()) -> bool:
    """Whether a role is named anywhere in an expression: `str(user.role)` is a role still,
    and so is a name bound to roles (`LEADS = {Role.lead, Role.admin}`)."""
    return any(_names_a_role(part) or _bound_name(part) in role_names
               for part in ast.walk(node))


def _annotated_role(annotation: ast.AST | None) -> bool:
    return annotation is not None and any(isinstance(part, ast.Name) and part.id == "Role"
                                          for part in ast.walk(annotation))


_MADE_OF = ("set", "frozenset", "tuple", "list", "sorted", "str")


def _is_roles(node: ast.AST, named: frozenset[str]) -> bool:
    """Whether an expression's value is a role or roles: a role named (`Role.lead`, `u.role`,
    `"lead"`), a name bound to roles, or a collection, union or choice built of them."""
    if _names_a_role(node) or _bound_name(node) in named:
        return True
    if isinstance(node, ast.Attribute) and node.attr in ("value", "name"):
        return _is_roles(node.value, named)
    if isinstance(node, ast.Set | ast.List | ast.Tuple):
        return any(_is_roles(item, named) for item in node.elts)
    if isinstance(node, ast.Starred):
        return _is_roles(node.value, named)
    if isinstance(node, ast.BinOp):
        return _is_roles(node.left, named) or _is_roles(node.right, named)
    if isinstance(node, ast.IfExp):
        return _is_roles(node.body, named) or _is_roles(node.orelse, named)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
            and node.func.id in _MADE_OF:
        return any(_is_roles(arg, named) for arg in node.args)
    return False


def _role_target(target: ast.AST) -> str | None:
    """The name an assignment binds; `row.role = ...` binds nothing new, `.role` is a role
    already."""
    name = _bound_name(target)
    return None if isinstance(target, ast.Attribute) and name == "role" else name


def role_bound_names(tree: ast.AST) -> frozenset[str]:
    """The names a module binds to roles: assigned a role or roles (or a name already bound to
    them), or a parameter declared a Role. `x = {Role.lead, Role.admin}` followed by
    `role in x` decides on a role as much as `role in (Role.lead, Role.admin)`."""
    names: set[str] = set()
    assignments: list[tuple[list[ast.expr], ast.expr]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.arg) and _annotated_role(node.annotation):
            names.add(node.arg)
        elif isinstance(node, ast.AnnAssign):
            if _annotated_role(node.annotation) and (name := _bound_name(node.target)):
                names.add(name)
            if node.value is not None:
                assignments.append(([node.target], node.value))
        elif isinstance(node, ast.Assign):
            assignments.append((node.targets, node.value))
        elif isinstance(node, ast.NamedExpr):
            assignments.append(([node.target], node.value))
    # Bound in turn, to a fixed point: `BOTH = LEADS | {Role.partner}` is roles too.
    while True:
        frozen = frozenset(names)
        more = {name for targets, value in assignments if _is_roles(value, frozen)
                for target in targets
                for part in (target.elts if isinstance(target, ast.Tuple) else [target])
                if (name := _role_target(part)) is not None}
        if more <= names:
            return frozen
        names |= more


def role_comparisons(source: str, role_names: frozenset[str] = frozenset()) -> list[int]:
    """The lines of a module's source that decide something on a role: a comparison or a
    `match` that involves one, in Python, or in SQL (x.role.in_), including one against a
    name bound to roles here or in `role_names` (those api/auth declares). Passing a role
    along unchanged (to a function, into a record) decides nothing and is not counted."""
    tree = ast.parse(source)
    named = role_names | role_bound_names(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            if any(_involves_a_role(operand, named)
                   for operand in (node.left, *node.comparators)):
                found.append(node.lineno)
        elif isinstance(node, ast.Match):
            if _involves_a_role(node.subject, named) or any(
                    _involves_a_role(case.pattern, named) for case in node.cases):
                found.append(node.lineno)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in _SQL_MEMBERSHIP and _involves_a_role(node.func.value, named)):
            found.append(node.lineno)
    return sorted(set(found))


def test_the_role_comparison_finder_finds_each_kind() -> None:
    for source in ("ok = user.role == Role.lead", "ok = getattr(u, 'role', None) in LEADS",
                   "ok = permissions.role_of(u) != 'lead'", "ok = x in (Role.admin, Role.lead)",
                   "q = User.role.in_([1])", "ok = user.role.value == 'lead'",
                   "ok = str(user.role) == 'lead'", "ok = user.role.name == 'lead'",
                   "role = user.role\nok = role == 'lead'", "ok = kind != 'admin'",
                   "match user.role:\n    case _:\n        pass",
                   "match x:\n    case Role.lead:\n        pass",
                   "x = {Role.lead, Role.admin}\nok = role in x",
                   "LEADS = frozenset({Role.lead, Role.admin})\nok = someone_role in LEADS",
                   "LEADS = (Role.lead,)\nBOTH = [*LEADS, 'x']\nok = r not in BOTH",
                   "role = user.role\nok = role in allowed",
                   "def f(r: Role) -> bool:\n    return r in allowed"):
        # The comparison is on the last line, the `match` on the first.
        expected = 1 if source.startswith("match") else source.count("\n") + 1
        assert role_comparisons(source) == [expected], source
    assert role_comparisons("ok = permissions.is_lead(user)\nrow.role = 'x'") == []
    assert role_comparisons("ok = r in LEADS", frozenset({"LEADS"})) == [1]
    assert role_comparisons("ok = r in permissions.LEADS", frozenset({"LEADS"})) == [1]
    assert role_comparisons("x = {1, 2}\nok = y in x") == []
    assert _TEMPLATE_ROLE_TEST.search('{% if user.role in ("admin", "lead") %}')
    assert not _TEMPLATE_ROLE_TEST.search("{{ user.role | humanize }}")
    for template in ('{% if is_admin or r != "admin" %}', "{% if 'lead' == r %}",
                     '{% if r in ["admin", "lead"] %}', "{% if user.role is sameas x %}"):
        assert _TEMPLATE_ROLE_TEST.search(template), template


def _auth_role_names() -> frozenset[str]:
    """The module-level names api/auth binds to roles, which another module may import."""
    names: set[str] = set()
    for path in python_files(API / "auth"):
        tree = ast.parse(path.read_text())
        top = {target.id for node in tree.body if isinstance(node, ast.Assign | ast.AnnAssign)
               for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
               if isinstance(target, ast.Name)}
        names |= role_bound_names(tree) & top
    return frozenset(names)


def test_only_api_auth_compares_roles() -> None:
    auth = API / "auth"
    role_names = _auth_role_names()
    offenders = [
        f"{path.relative_to(PROJECT_ROOT).as_posix()}:{line}"
        for root in (API, WEB)
        for path in python_files(root)
        if auth not in path.parents
        for line in role_comparisons(path.read_text(), role_names)
    ]
    offenders += [
        path.relative_to(PROJECT_ROOT).as_posix()
        for path in sorted((WEB / "templates").rglob("*.html"))
        if _TEMPLATE_ROLE_TEST.search(path.read_text())
    ]
    assert offenders == []


# ---- web forms: one way to save a form or show it again -------------------------------------
# Every page form is answered by web.forms.save_or_show (or submit, for a form read into a
# schema): it commits, or rolls back and shows the form again with its problems and status. A
# route that opens the `saving` block itself, rolls back, or writes the 422 out has a second
# copy of that, which drifts from the first.

_HAND_MADE = ("saving", "Saved", "rollback")


def hand_made_form_answers(source: str, *, statuses: bool = True) -> list[int]:
    """The lines of a module that answer a form by hand: `saving` or `Saved` imported or used,
    a rollback, web.forms.INVALID named (web.forms.shown answers with it), or (with `statuses`,
    for a route module) a status of 422 written out or a caught refusal's own status given to
    a response (web.forms.refused carries it)."""
    tree = ast.parse(source)
    caught = {node.name for node in ast.walk(tree)
              if isinstance(node, ast.ExceptHandler) and node.name}

    def hand_made(node: ast.AST) -> bool:
        if isinstance(node, ast.Constant):
            return statuses and type(node.value) is int and node.value == 422
        if isinstance(node, ast.keyword) and node.arg in ("status", "status_code"):
            value = node.value
            return statuses and isinstance(value, ast.Attribute) and value.attr == "status" \
                and isinstance(value.value, ast.Name) and value.value.id in caught
        name = (node.id if isinstance(node, ast.Name) else node.attr
                if isinstance(node, ast.Attribute) else node.name
                if isinstance(node, ast.alias) else None)
        return name in _HAND_MADE or name == "INVALID"

    return sorted({getattr(node, "lineno", 0) for node in ast.walk(tree) if hand_made(node)})


def test_the_hand_made_form_answer_finder_finds_each_kind() -> None:
    for source in ("from web.forms import saving", "return render(r, t, c, status=422)",
                   "with forms.saving(session) as saved:\n    pass", "session.rollback()",
                   "return _page(request, session, actor, 'alerts/rules.html', context, 422)",
                   "def f(saved: Saved) -> None:\n    pass",
                   "from web.forms import INVALID", "return page(request, forms.INVALID)",
                   "status = INVALID if errors else 200"):
        assert hand_made_form_answers(source) == [1], source
    assert hand_made_form_answers("try:\n    w()\nexcept DomainError as exc:\n"
                                  "    return render(r, t, c, status=exc.status)") == [4]
    assert hand_made_form_answers("with saving(s) as saved:\n    w()\nif saved.refusal:\n"
                                  "    return page(request, 422)") == [1, 4]
    # The error pages' table of statuses is no form's answer.
    assert hand_made_form_answers("MESSAGES = {422: 'Not valid'}", statuses=False) == []
    # The form's status named is a form's answer wherever it is written.
    assert hand_made_form_answers("x = page(forms.INVALID)", statuses=False) == [1]
    assert hand_made_form_answers(
        "return save_or_show(session, write, done=done, again=again)\n"
        "x = render(r, t, c, status=rejected.status)\ny = 4220") == []


def test_web_routes_answer_forms_through_the_one_helper() -> None:
    forms, routes = WEB / "forms.py", WEB / "routes"
    offenders = [
        f"{path.relative_to(PROJECT_ROOT).as_posix()}:{line}"
        for path in python_files(WEB) if path != forms
        for line in hand_made_form_answers(path.read_text(), statuses=routes in path.parents)
    ]
    assert offenders == []


# Nor does a route commit a write itself, or word an error of its own as a flash after reading a
# form: the write goes through save_or_show/submit, and a problem with what was typed is shown
# next to its field with 422. Only these commit themselves, each a button with nothing typed to
# check (or a commit the helper's write needs), keyed by route module and the function:
_OWN_COMMITS = {
    # Signing out, ending a session or token, revoking an invitation: one button, no input.
    ("auth.py", "logout"), ("account.py", "revoke_token"), ("account.py", "end_session"),
    ("account.py", "end_all_sessions"), ("account.py", "revoke_invitation"),
    # "Mark all read": one button, no input.
    ("alerts.py", "read_all"),
    # "Count now" and "Sync now": a button; the commit ends the transaction before the long
    # call to the outside service, which writes in sessions of its own.
    ("cameras.py", "count_now"), ("agendas.py", "sync_now"),
    # The write given to save_or_show commits while it holds the upload, so a double-click
    # imports it once.
    ("imports.py", "import_once"),
}


def _reads_a_form(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether the function calls `.form()` or takes a `Form(...)` parameter."""
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            called = node.func
            if isinstance(called, ast.Attribute) and called.attr == "form":
                return True
            if isinstance(called, ast.Name) and called.id == "Form":
                return True
    return False


def _words_written(call: ast.Call) -> bool:
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
               and n.func.id in ("gettext", "ngettext", "pgettext") for n in ast.walk(call))


def hand_written_saves(source: str, module: str) -> list[int]:
    """The lines of a route module where a route commits itself (outside _OWN_COMMITS), or a
    route that reads a form flashes an error in words of its own."""
    tree = ast.parse(source)
    found: set[int] = set()
    # Each function of the module or method of its classes, with what is nested in it.
    tops = [node for node in tree.body for node in
            (node.body if isinstance(node, ast.ClassDef) else [node])]
    for top in tops:
        if not isinstance(top, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        reads_form = _reads_a_form(top)
        for node in ast.walk(top):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            # A session's commit() takes nothing (a dataset's commit(session, ...) is a write).
            if node.func.attr == "commit" and not node.args and not node.keywords \
                    and (module, top.name) not in _OWN_COMMITS:
                found.add(node.lineno)
            if node.func.attr == "error" and isinstance(node.func.value, ast.Name) \
                    and node.func.value.id == "flash" and reads_form and _words_written(node):
                found.add(node.lineno)
    return sorted(found)


def test_the_hand_written_save_finder_finds_each_kind() -> None:
    notes = ("async def save(request, session):\n"
             "    text = (await request.form()).get('notes')\n"
             "    if len(text) > 9:\n"
             "        return see_other('/', flash.error(gettext('Too long.')))\n"
             "    session.commit()\n")
    assert hand_written_saves(notes, "meetings.py") == [4, 5]
    assert hand_written_saves("def f(session, alert: Annotated[str, Form()] = ''):\n"
                              "    session.commit()", "saved_searches.py") == [2]
    # A button's own commit, allowed by name; a refusal's own words flashed are the helper's.
    assert hand_written_saves("def logout(session):\n    session.commit()", "auth.py") == []
    assert hand_written_saves("def f(s):\n    datasets.commit(s, rows)", "imports.py") == []
    assert hand_written_saves("async def f(request):\n    await request.form()\n"
                              "    again = lambda r: flash.error(r.message)", "x.py") == []
    # Words of its own flashed by a button that reads no form are not a form's answer.
    assert hand_written_saves("def count_now(session):\n"
                              "    flash.error(gettext('The count failed.'))", "cameras.py") == []


def test_web_routes_commit_only_through_the_one_helper() -> None:
    routes = WEB / "routes"
    offenders = [
        f"{path.relative_to(PROJECT_ROOT).as_posix()}:{line}"
        for path in python_files(routes)
        for line in hand_written_saves(path.read_text(), path.relative_to(routes).as_posix())
    ]
    assert offenders == []


# ---- typing: an error mypy is told to let pass says which, and why -----------------------------

_TYPE_IGNORE = re.compile(r"#\s*type:\s*ignore\b(\[[\w, -]+\])?")


def unexplained_ignores(source: str) -> list[int]:
    """The lines that silence mypy without naming the error, or without a comment just above
    them (above the first of a run of such lines) saying why."""
    lines = source.splitlines()
    found = []
    for number, line in enumerate(lines, start=1):
        match = _TYPE_IGNORE.search(line)
        if match is None:
            continue
        above = number - 2
        while above >= 0 and _TYPE_IGNORE.search(lines[above]):
            above -= 1
        if match.group(1) is None or above < 0 or not lines[above].strip().startswith("#"):
            found.append(number)
    return found


def test_the_unexplained_ignore_finder_finds_each_kind() -> None:
    assert unexplained_ignores("x = f()  # type: ignore[misc]") == [1]
    assert unexplained_ignores("# why\nx = f()  # type: ignore") == [2]
    assert unexplained_ignores("# why\nx = f()  # type: ignore[misc]\ny = g()  # type: ignore[misc]"
                               ) == []


def test_each_type_ignore_names_its_error_and_says_why() -> None:
    offenders = [f"{path.relative_to(PROJECT_ROOT).as_posix()}:{line}"
                 for root in (API, WEB) for path in python_files(root)
                 for line in unexplained_ignores(path.read_text())]
    assert offenders == []
