"""A letter template as one text a user can edit and send to many agencies: the frame it extends,
its blocks and the shared parts it calls written out in place, its placeholders and conditions
kept, so the text renders for each agency as the template does."""

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import nodes
from jinja2.exceptions import TemplateError
from jinja2.nodes import EvalContext, Impossible

from api.errors import Invalid
from api.i18n.catalogs import N_
from api.records_requests import letters

COMPARISONS = {"eq": "==", "ne": "!=", "gt": ">", "gteq": ">=", "lt": "<", "lteq": "<=",
               "in": "in", "notin": "not in"}
BINARY: dict[type[nodes.BinExpr], str] = {nodes.Add: "+", nodes.Sub: "-", nodes.And: "and",
                                          nodes.Or: "or"}
OPENERS = ("{{", "{%", "{#")


class Unsupported(Exception):
    """A construct this writer does not write out."""


@dataclass
class _Writer:
    """Jinja source, written so the sandbox's trim_blocks and lstrip_blocks give back exactly the
    text the template file gave."""

    parts: list[str] = field(default_factory=list)
    line: str = ""  # what the current line holds so far
    after_tag: bool = False

    def _put(self, text: str) -> None:
        self.parts.append(text)
        self.line = (self.line + text).rsplit("\n", 1)[-1]

    def text(self, data: str) -> None:
        if not data:
            return
        if any(opener in data for opener in OPENERS):
            self.expr(_literal(data))
            return
        if self.after_tag and data.startswith("\n"):
            self._put("\n")  # the newline trim_blocks takes after a block tag
        self.after_tag = False
        self._put(data)

    def expr(self, source: str) -> None:
        self.after_tag = False
        self._put("{{ " + source + " }}")

    def tag(self, source: str) -> None:
        # lstrip_blocks would take the spaces a line holds before a block tag.
        opener = "{%+" if self.line and not self.line.strip(" \t") else "{%"
        self._put(f"{opener} {source} %}}")
        self.after_tag = True


def _literal(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float | str):
        # A Python string literal reads back the same in Jinja.
        return repr(value)
    raise Unsupported(f"a constant {value!r}")


class _Flattener:
    def __init__(self) -> None:
        self.env = letters.environment()
        self.eval_ctx = EvalContext(self.env)
        self.macros: dict[str, nodes.Macro] = {}  # "alias.name" or "name"
        self.writer = _Writer()

    # ---- templates, blocks and imports --------------------------------------------------

    def parse(self, name: str) -> nodes.Template:
        loader = self.env.loader
        if loader is None:
            raise Unsupported("an environment without a template loader")
        source, _, _ = loader.get_source(self.env, name)
        return self.env.parse(source, name)

    def template(self, name: str) -> None:
        """Writes out a template, the frames it extends first taking its blocks."""
        chain = [self.parse(name)]
        while (parent := self._extends(chain[-1])) is not None:
            chain.append(self.parse(parent))
        blocks: dict[str, nodes.Block] = {}
        for tree in chain:
            self._definitions(tree)
            for block in tree.find_all(nodes.Block):
                blocks.setdefault(block.name, block)
        self.body(chain[-1].body, blocks)

    def _extends(self, tree: nodes.Template) -> str | None:
        found = [n for n in tree.body if isinstance(n, nodes.Extends)]
        if not found:
            return None
        parent = found[0].template
        if not isinstance(parent, nodes.Const):
            raise Unsupported("a frame named by a variable")
        return str(parent.value)

    def _definitions(self, tree: nodes.Template) -> None:
        for node in tree.body:
            if isinstance(node, nodes.Import):
                if not isinstance(node.template, nodes.Const):
                    raise Unsupported("an import named by a variable")
                for macro in self.parse(str(node.template.value)).find_all(nodes.Macro):
                    self.macros[f"{node.target}.{macro.name}"] = macro
            elif isinstance(node, nodes.Macro):
                self.macros[node.name] = node

    # ---- statements -----------------------------------------------------------------------

    def body(self, body: list[nodes.Node], blocks: dict[str, nodes.Block],
             bound: dict[str, Any] | None = None) -> None:
        bound = bound or {}
        for node in body:
            if isinstance(node, nodes.Output):
                for child in node.nodes:
                    self.output(child, blocks, bound)
            elif isinstance(node, nodes.Block):
                self.body(blocks[node.name].body, blocks, bound)
            elif isinstance(node, nodes.If):
                self.condition(node, blocks, bound)
            elif isinstance(node, nodes.Extends | nodes.Import | nodes.Macro):
                continue  # taken care of by `template`
            else:
                raise Unsupported(type(node).__name__)

    def output(self, node: nodes.Node, blocks: dict[str, nodes.Block],
               bound: dict[str, Any]) -> None:
        if isinstance(node, nodes.TemplateData):
            self.writer.text(node.data)
            return
        if isinstance(node, nodes.Call):
            self.call(node, blocks, bound)
            return
        value = self.constant(node, bound)
        if value is not _UNKNOWN:
            if value is None:
                raise Unsupported("a constant none printed")
            self.writer.text(str(value))
        else:
            self.writer.expr(self.expr(node, bound))

    def call(self, node: nodes.Call, blocks: dict[str, nodes.Block],
             bound: dict[str, Any]) -> None:
        """A macro's body written out in place of its call, its arguments filled in."""
        macro = self.macros.get(_dotted(node.node))
        if macro is None or node.kwargs or node.dyn_args or node.dyn_kwargs:
            raise Unsupported("a call that is not a plain macro call")
        names = [arg.name for arg in macro.args]
        first_default = len(names) - len(macro.defaults)
        if len(node.args) > len(names) or len(node.args) < first_default:
            raise Unsupported(f"a call of {macro.name} with too many or too few arguments")
        values = [self.constant(arg, bound) for arg in node.args]
        values += [self.constant(d, {}) for d in macro.defaults[len(node.args) - first_default:]]
        if any(value is _UNKNOWN for value in values):
            raise Unsupported(f"a call of {macro.name} with values known only per agency")
        self.body(macro.body, blocks, dict(zip(names, values, strict=True)))

    def condition(self, node: nodes.If, blocks: dict[str, nodes.Block],
                  bound: dict[str, Any]) -> None:
        branches = [(node.test, node.body), *((e.test, e.body) for e in node.elif_)]
        known = [self.constant(test, bound) for test, _ in branches]
        if all(value is not _UNKNOWN for value in known):
            # A test on a macro's argument: the branch it takes is written out alone.
            for value, (_, body) in zip(known, branches, strict=True):
                if value:
                    self.body(body, blocks, bound)
                    return
            self.body(node.else_, blocks, bound)
            return
        for index, (test, body) in enumerate(branches):
            self.writer.tag(f"{'if' if index == 0 else 'elif'} {self.expr(test, bound)}")
            self.body(body, blocks, bound)
        if node.else_:
            self.writer.tag("else")
            self.body(node.else_, blocks, bound)
        self.writer.tag("endif")

    # ---- expressions ----------------------------------------------------------------------

    def constant(self, node: nodes.Node, bound: dict[str, Any]) -> Any:
        """The node's value if it is known without a context (a macro's arguments filled
        in), else _UNKNOWN."""
        if isinstance(node, nodes.Name):
            return bound.get(node.name, _UNKNOWN)
        if isinstance(node, nodes.Const):
            return node.value
        if not isinstance(node, FOLDABLE):
            return _UNKNOWN
        filled = _filled(node, bound)
        if not isinstance(filled, nodes.Expr):
            return _UNKNOWN
        try:
            return filled.as_const(self.eval_ctx)
        except Impossible:
            return _UNKNOWN

    def expr(self, node: nodes.Node, bound: dict[str, Any]) -> str:
        value = self.constant(node, bound)
        if value is not _UNKNOWN:
            return _literal(value)
        inner = self._inner
        if isinstance(node, nodes.Name):
            return node.name
        if isinstance(node, nodes.Getattr):
            return f"{inner(node.node, bound)}.{node.attr}"
        if isinstance(node, nodes.Getitem):
            return f"{inner(node.node, bound)}[{self.expr(node.arg, bound)}]"
        if isinstance(node, nodes.Filter | nodes.Test):
            if node.dyn_args or node.dyn_kwargs:
                raise Unsupported("*args in a filter")
            if node.node is None:
                raise Unsupported("a filter block")
            args = [self.expr(a, bound) for a in node.args]
            args += [f"{k.key}={self.expr(k.value, bound)}" for k in node.kwargs]
            call = f"({', '.join(args)})" if args else ""
            word = "|" if isinstance(node, nodes.Filter) else "is"
            return f"{inner(node.node, bound)} {word} {node.name}{call}"
        if isinstance(node, nodes.Compare):
            ops = " ".join(f"{COMPARISONS[op.op]} {inner(op.expr, bound)}" for op in node.ops)
            return f"{inner(node.expr, bound)} {ops}"
        if isinstance(node, nodes.Concat):
            return " ~ ".join(inner(part, bound) for part in node.nodes)
        if isinstance(node, nodes.BinExpr) and type(node) in BINARY:
            return f"{inner(node.left, bound)} {BINARY[type(node)]} {inner(node.right, bound)}"
        if isinstance(node, nodes.Not):
            return f"not {inner(node.node, bound)}"
        if isinstance(node, nodes.CondExpr) and node.expr2 is not None:
            return (f"{inner(node.expr1, bound)} if {inner(node.test, bound)} "
                    f"else {inner(node.expr2, bound)}")
        raise Unsupported(type(node).__name__)

    def _inner(self, node: nodes.Node, bound: dict[str, Any]) -> str:
        """An operand, in brackets when it is itself an operation."""
        source = self.expr(node, bound)
        simple = isinstance(node, nodes.Name | nodes.Getattr | nodes.Getitem | nodes.Const) \
            or self.constant(node, bound) is not _UNKNOWN
        return source if simple else f"({source})"


_UNKNOWN: Any = object()
# Expressions worth trying to work out beforehand: those a macro's arguments may make constant.
FOLDABLE = (nodes.BinExpr, nodes.UnaryExpr, nodes.Concat, nodes.Compare, nodes.CondExpr)


def _filled(node: nodes.Node, bound: dict[str, Any]) -> nodes.Node:
    """A copy of the expression with the macro's argument values in place of their names."""
    if isinstance(node, nodes.Name) and node.name in bound:
        return nodes.Const(bound[node.name], lineno=node.lineno)

    def fill(value: Any) -> Any:
        if isinstance(value, nodes.Node):
            return _filled(value, bound)
        if isinstance(value, list):
            return [fill(item) for item in value]
        return value

    copied = type(node)(*(fill(getattr(node, name)) for name in node.fields),
                        lineno=node.lineno)
    return copied


def _dotted(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name):
        return f"{node.node.name}.{node.attr}"
    return ""


def source(key: str) -> str:
    """The template's text to edit, ready for `letters.render_text`; Invalid when the template
    uses what an edited letter may not."""
    folder = letters.letters_dir()
    return _source(folder, key, letters.files_stamp(folder))


@lru_cache(maxsize=64)
def _source(folder: Path, key: str, stamp: tuple[tuple[str, int, int], ...]) -> str:
    found = letters.template(key)
    flattener = _Flattener()
    try:
        flattener.template(f"{found.key}{letters.SUFFIX}")
    except (Unsupported, TemplateError) as exc:
        raise Invalid(N_("The letter “{title}” cannot be edited here ({reason}); it can still "
                         "be sent as it is written."),
                      title=found.title, reason=exc, field="text") from exc
    text = "".join(flattener.writer.parts)
    letters.check_text(text)
    return text
