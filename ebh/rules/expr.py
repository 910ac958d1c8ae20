"""A small, safe expression language for rule conditions, with three-valued logic.

Source text is parsed with ``ast.parse(mode="eval")`` and only a whitelist of node types is accepted:
``and``/``or``/``not``, comparisons (also chained, ``in``/``not in`` a tuple of constants),
``+ - *`` on integers, ``x if c else y``, constants (int, bool, str), names of catalogued facts,
``as_of`` (the evaluation date), names from the rule file's ``[definitions]`` and calls of the
functions in :data:`FUNCTIONS`. Nothing is ever handed to Python's ``eval``: the tree is compiled
into :class:`Node` objects that are type-checked against the fact catalogue when the rules load.

Every node evaluates in two ways that must agree (tests check this on random data):

* :meth:`Node.s` on one person: facts are Python values, ``None`` means *unknown*;
* :meth:`Node.v` on many persons: each fact is a pair ``(values, known)`` of NumPy arrays.

Unknown values propagate (Kleene logic): ``False and unknown`` is ``False``, ``True or unknown`` is
``True``, a comparison with an unknown operand is unknown. Dates are ``datetime.date`` in scalar mode
and day numbers (:mod:`ebh.rules.dates`) in vector mode.
"""
from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import difflib
import operator
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

from ebh.rules import dates

BOOL, INT, DATE, STR = "bool", "int", "date", "str"
TYPES = (BOOL, INT, DATE, STR)
AS_OF = "as_of"
MAX_SOURCE = 2000


class ExprError(ValueError):
    """An expression is not valid; ``col`` is the 0-based column in the source."""

    def __init__(self, message: str, col: int | None = None):
        super().__init__(message)
        self.message = message
        self.col = col

    def __str__(self) -> str:
        return self.message if self.col is None else f"{self.message} (Spalte {self.col + 1})"


@dataclasses.dataclass(frozen=True)
class Scope:
    """What names mean while compiling: fact types and the rule file's definitions."""

    facts: Mapping[str, str]
    definitions: Mapping[str, Node] = dataclasses.field(default_factory=dict)


class SEnv:
    """Scalar environment: one person's facts (``None`` = unknown) and the evaluation date."""

    __slots__ = ("facts", "as_of")

    def __init__(self, facts: Mapping[str, Any], as_of: dt.date):
        self.facts = facts
        self.as_of = as_of


class VEnv:
    """Vector environment: ``facts[name] = (values, known)`` arrays of length ``n``; one evaluation date."""

    __slots__ = ("facts", "as_of", "n")

    def __init__(self, facts: Mapping[str, tuple[np.ndarray, np.ndarray]], as_of: dt.date, n: int):
        self.facts = facts
        self.as_of = np.int64(dates.to_days(as_of))
        self.n = n


_TRUE = np.bool_(True)


# --------------------------------------------------------------------------------------------- nodes
class Node:
    typ: str

    def s(self, env: SEnv) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def v(self, env: VEnv) -> tuple[Any, Any]:  # pragma: no cover - abstract
        raise NotImplementedError

    def children(self) -> tuple[Node, ...]:
        return ()

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children():
            yield from child.walk()

    @property
    def uses_as_of(self) -> bool:
        return any(isinstance(n, AsOf) for n in self.walk())

    def facts_used(self) -> set[str]:
        return {n.name for n in self.walk() if isinstance(n, Fact)}

    def vector(self, env: VEnv) -> tuple[np.ndarray, np.ndarray]:
        """Evaluate on all persons and broadcast to full-length arrays."""
        values, known = self.v(env)
        return np.broadcast_to(values, (env.n,)), np.broadcast_to(known, (env.n,))


class Const(Node):
    def __init__(self, value: Any, typ: str):
        self.value, self.typ = value, typ
        self._vec = np.int64(dates.to_days(value)) if typ == DATE else value

    def s(self, env: SEnv) -> Any:
        return self.value

    def v(self, env: VEnv) -> tuple[Any, Any]:
        return self._vec, _TRUE


class Fact(Node):
    def __init__(self, name: str, typ: str):
        self.name, self.typ = name, typ

    def s(self, env: SEnv) -> Any:
        return env.facts.get(self.name)

    def v(self, env: VEnv) -> tuple[Any, Any]:
        return env.facts[self.name]


class AsOf(Node):
    typ = DATE

    def s(self, env: SEnv) -> Any:
        return env.as_of

    def v(self, env: VEnv) -> tuple[Any, Any]:
        return env.as_of, _TRUE


class Not(Node):
    typ = BOOL

    def __init__(self, operand: Node):
        self.operand = operand

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)

    def s(self, env: SEnv) -> Any:
        value = self.operand.s(env)
        return None if value is None else not value

    def v(self, env: VEnv) -> tuple[Any, Any]:
        values, known = self.operand.v(env)
        return ~np.asarray(values, dtype=bool), known


class _Junction(Node):
    """Kleene three-valued and/or: one known part equal to ``dominant`` decides the result; otherwise the
    result is unknown if any part is unknown."""

    typ = BOOL
    #: False for ``and``, True for ``or``.
    dominant: bool

    def __init__(self, parts: list[Node]):
        self.parts = parts

    def children(self) -> tuple[Node, ...]:
        return tuple(self.parts)

    def s(self, env: SEnv) -> Any:
        result: bool | None = not self.dominant
        for part in self.parts:
            value = part.s(env)
            if value is self.dominant:
                return self.dominant
            if value is None:
                result = None
        return result

    def v(self, env: VEnv) -> tuple[Any, Any]:
        decided, all_known = ~_TRUE, _TRUE
        for part in self.parts:
            values, known = part.v(env)
            decided = decided | (known & (np.asarray(values, dtype=bool) == self.dominant))
            all_known = all_known & known
        known = decided | all_known
        return (decided if self.dominant else known & ~decided), known


class And(_Junction):
    dominant = False


class Or(_Junction):
    dominant = True


_CMP: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt,
    ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
}
_CMP_TEXT = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}


class Compare(Node):
    typ = BOOL

    def __init__(self, op: Callable[[Any, Any], Any], left: Node, right: Node):
        self.op, self.left, self.right = op, left, right

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)

    def s(self, env: SEnv) -> Any:
        a, b = self.left.s(env), self.right.s(env)
        return None if a is None or b is None else bool(self.op(a, b))

    def v(self, env: VEnv) -> tuple[Any, Any]:
        a, ka = self.left.v(env)
        b, kb = self.right.v(env)
        return self.op(a, b), ka & kb


class InSet(Node):
    typ = BOOL

    def __init__(self, operand: Node, values: tuple[Any, ...], negate: bool):
        self.operand, self.values, self.negate = operand, values, negate
        self._set = frozenset(values)
        self._array = np.array(values)

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)

    def s(self, env: SEnv) -> Any:
        value = self.operand.s(env)
        if value is None:
            return None
        return (value in self._set) != self.negate

    def v(self, env: VEnv) -> tuple[Any, Any]:
        values, known = self.operand.v(env)
        hit = np.isin(values, self._array)
        return (~hit if self.negate else hit), known


_ARITH: dict[type, Callable[[Any, Any], Any]] = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul}


class Arith(Node):
    typ = INT

    def __init__(self, op: Callable[[Any, Any], Any], left: Node, right: Node):
        self.op, self.left, self.right = op, left, right

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)

    def s(self, env: SEnv) -> Any:
        a, b = self.left.s(env), self.right.s(env)
        return None if a is None or b is None else self.op(a, b)

    def v(self, env: VEnv) -> tuple[Any, Any]:
        a, ka = self.left.v(env)
        b, kb = self.right.v(env)
        return self.op(np.asarray(a, dtype=np.int64), b), ka & kb


class Concat(Node):
    """``text + text`` (for explanations)."""

    typ = STR

    def __init__(self, left: Node, right: Node):
        self.left, self.right = left, right

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)

    def s(self, env: SEnv) -> Any:
        a, b = self.left.s(env), self.right.s(env)
        return None if a is None or b is None else a + b

    def v(self, env: VEnv) -> tuple[Any, Any]:
        a, ka = self.left.v(env)
        b, kb = self.right.v(env)
        return np.char.add(np.asarray(a, dtype=str), np.asarray(b, dtype=str)), ka & kb


class Neg(Node):
    typ = INT

    def __init__(self, operand: Node):
        self.operand = operand

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)

    def s(self, env: SEnv) -> Any:
        value = self.operand.s(env)
        return None if value is None else -value

    def v(self, env: VEnv) -> tuple[Any, Any]:
        values, known = self.operand.v(env)
        return -np.asarray(values, dtype=np.int64), known


class IfExp(Node):
    def __init__(self, test: Node, body: Node, orelse: Node):
        self.test, self.body, self.orelse, self.typ = test, body, orelse, body.typ

    def children(self) -> tuple[Node, ...]:
        return (self.test, self.body, self.orelse)

    def s(self, env: SEnv) -> Any:
        test = self.test.s(env)
        if test is None:
            return None
        return self.body.s(env) if test else self.orelse.s(env)

    def v(self, env: VEnv) -> tuple[Any, Any]:
        t, kt = self.test.v(env)
        b, kb = self.body.v(env)
        c, kc = self.orelse.v(env)
        t = np.asarray(t, dtype=bool)
        return np.where(t, b, c), kt & np.where(t, kb, kc)


@dataclasses.dataclass(frozen=True)
class Function:
    """A whitelisted function: argument types (``"T"`` = any one type used consistently), result type."""

    args: tuple[str, ...]
    result: str
    scalar: Callable[..., Any]
    vector: Callable[..., Any]
    variadic: bool = False
    #: Unknown arguments do not make the result unknown (``known``, ``coalesce``).
    handles_unknown: bool = False
    doc: str = ""


def _v_min(*args: Any) -> Any:
    return np.minimum.reduce(np.broadcast_arrays(*args))


def _v_max(*args: Any) -> Any:
    return np.maximum.reduce(np.broadcast_arrays(*args))


def _v_text(values: Any, typ: str) -> Any:
    flat = np.atleast_1d(values)
    if typ == DATE:
        flat = [dates.from_days(int(v)) if -700_000 < v < dates.OPEN_END else None for v in flat]
    texts = np.array([format_value(v, typ) for v in flat])
    return texts if np.ndim(values) else texts[0]


def _s_coalesce(*values: Any) -> Any:
    return next((v for v in values if v is not None), None)


FUNCTIONS: dict[str, Function] = {
    "add_years": Function((DATE, INT), DATE, dates.add_years, dates.v_add_years,
                          doc="Jahrestag: add_years(d, n) ist der Tag, an dem n Jahre ab d erfüllt sind"),
    "add_months": Function((DATE, INT), DATE, dates.add_months, dates.v_add_months,
                           doc="wie add_years, in Kalendermonaten"),
    "add_days": Function((DATE, INT), DATE, lambda d, n: d + dt.timedelta(days=n), lambda d, n: d + n,
                         doc="d plus n Tage"),
    "years_between": Function((DATE, DATE), INT, dates.years_between, dates.v_years_between,
                              doc="vollendete Jahre von a bis b (Alter)"),
    "min": Function(("T", "T"), "T", min, _v_min, variadic=True, doc="kleinster Wert (int oder date)"),
    "max": Function(("T", "T"), "T", max, _v_max, variadic=True, doc="größter Wert (int oder date)"),
    "coalesce": Function(("T", "T"), "T", _s_coalesce, None, variadic=True, handles_unknown=True,
                         doc="erster bekannter Wert"),
    "known": Function(("T",), BOOL, lambda v: v is not None, None, handles_unknown=True,
                      doc="wahr, wenn der Wert bekannt ist"),
    "date": Function((STR,), DATE, None, None, doc='Datumskonstante date("2023-08-23")'),
    "text": Function(("T",), STR, None, None, doc="Wert als deutscher Text (Datum TT.MM.JJJJ, ja/nein)"),
    "label": Function((STR,), STR, lambda v: LABELS.get(v, v), None,
                      doc="deutsche Bezeichnung eines Codes, z. B. label(current_status)"),
}

#: German names of the codes facts can hold (residence statuses), for explanations.
LABELS = {
    "residence_permit": "Aufenthaltserlaubnis", "blue_card": "Blaue Karte EU",
    "settlement_permit": "Niederlassungserlaubnis", "eu_long_term": "Erlaubnis zum Daueraufenthalt-EU",
    "eu_free_movement": "Freizügigkeit (EU)", "duldung": "Duldung", "duldung_60b": "Duldung nach § 60b",
    "duldung_60d": "Beschäftigungsduldung", "gestattung": "Aufenthaltsgestattung",
    "fiktion": "Fiktionsbescheinigung", "visa": "Visum", "abroad": "Auslandsaufenthalt",
    "unlawful": "ohne Aufenthaltsrecht", "": "kein Aufenthaltsstatus erfasst",
}


class Call(Node):
    def __init__(self, name: str, fn: Function, args: list[Node], typ: str):
        self.name, self.fn, self.args, self.typ = name, fn, args, typ

    def children(self) -> tuple[Node, ...]:
        return tuple(self.args)

    def s(self, env: SEnv) -> Any:
        values = [a.s(env) for a in self.args]
        if self.name == "known":
            return values[0] is not None
        if self.name == "coalesce":
            return _s_coalesce(*values)
        if any(v is None for v in values):
            return None
        if self.name == "text":
            return format_value(values[0], self.args[0].typ)
        return self.fn.scalar(*values)

    def v(self, env: VEnv) -> tuple[Any, Any]:
        pairs = [a.v(env) for a in self.args]
        if self.name == "known":
            return pairs[0][1], _TRUE
        if self.name == "coalesce":
            values, known = pairs[-1]
            for v, k in reversed(pairs[:-1]):
                values, known = np.where(k, v, values), k | known
            return values, known
        known = _TRUE
        for _, k in pairs:
            known = known & k
        if self.name == "text":
            return _v_text(pairs[0][0], self.args[0].typ), known
        if self.name == "label":
            return np.vectorize(lambda v: LABELS.get(str(v), str(v)), otypes=[str])(pairs[0][0]), known
        return self.fn.vector(*(v for v, _ in pairs)), known


# ------------------------------------------------------------------------------------------ compiler
_ALLOWED_HINT = ("erlaubt sind: and, or, not, Vergleiche, in (...), + - *, x if c else y, Konstanten, "
                 "Faktennamen, as_of und die Funktionen " + ", ".join(sorted(FUNCTIONS)))


def _suggest(name: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return f"; meinten Sie {close[0]!r}?" if close else ""


def compile_expr(source: str, scope: Scope, expect: str | None = BOOL) -> Node:
    """Parse, check and compile ``source``; raise :class:`ExprError` with a German message."""
    if not isinstance(source, str) or not source.strip():
        raise ExprError("leerer Ausdruck")
    if len(source) > MAX_SOURCE:
        raise ExprError(f"Ausdruck ist länger als {MAX_SOURCE} Zeichen")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExprError(f"Syntaxfehler: {exc.msg}", (exc.offset or 1) - 1) from None
    except (RecursionError, MemoryError, ValueError):
        raise ExprError("Ausdruck ist zu tief verschachtelt oder ungültig") from None
    try:
        node = _Compiler(scope).visit(tree.body)
    except RecursionError:
        raise ExprError("Ausdruck ist zu tief verschachtelt") from None
    if expect is not None and node.typ != expect:
        raise ExprError(f"Ausdruck hat den Typ {node.typ}, erwartet wird {expect}")
    return node


class _Compiler:
    def __init__(self, scope: Scope):
        self.scope = scope

    def fail(self, message: str, node: ast.AST) -> ExprError:
        return ExprError(message, getattr(node, "col_offset", None))

    def visit(self, node: ast.AST) -> Node:
        method = getattr(self, f"visit_{type(node).__name__}", None)
        if method is None:
            raise self.fail(f"{_describe(node)} ist nicht erlaubt ({_ALLOWED_HINT})", node)
        return method(node)

    def visit_Constant(self, node: ast.Constant) -> Node:
        value = node.value
        if isinstance(value, bool):
            return Const(value, BOOL)
        if isinstance(value, int):
            return Const(value, INT)
        if isinstance(value, str):
            return Const(value, STR)
        if value is None:
            raise self.fail("None ist nicht erlaubt: fehlende Angaben ergeben von selbst 'unbekannt'", node)
        raise self.fail(f"Konstante vom Typ {type(value).__name__} ist nicht erlaubt (nur ganze Zahlen, "
                        "Wahrheitswerte und Texte)", node)

    def visit_Name(self, node: ast.Name) -> Node:
        name = node.id
        if name.startswith("_"):
            raise self.fail(f"Name {name!r}: Namen mit Unterstrich am Anfang sind nicht erlaubt", node)
        if name == AS_OF:
            return AsOf()
        if name in self.scope.definitions:
            return self.scope.definitions[name]
        if name in self.scope.facts:
            return Fact(name, self.scope.facts[name])
        if name in FUNCTIONS:
            raise self.fail(f"{name!r} ist eine Funktion und muss aufgerufen werden", node)
        candidates = [*self.scope.facts, *self.scope.definitions, AS_OF]
        raise self.fail(f"unbekannter Fakt {name!r}{_suggest(name, candidates)}", node)

    def visit_BoolOp(self, node: ast.BoolOp) -> Node:
        parts = [self._bool(v) for v in node.values]
        return And(parts) if isinstance(node.op, ast.And) else Or(parts)

    def _bool(self, node: ast.AST) -> Node:
        compiled = self.visit(node)
        if compiled.typ != BOOL:
            raise self.fail(f"and/or/not brauchen Wahrheitswerte, nicht {compiled.typ}", node)
        return compiled

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Node:
        if isinstance(node.op, ast.Not):
            return Not(self._bool(node.operand))
        if isinstance(node.op, ast.USub):
            operand = self.visit(node.operand)
            if operand.typ != INT:
                raise self.fail(f"Minus braucht eine ganze Zahl, nicht {operand.typ}", node)
            if isinstance(operand, Const):
                return Const(-operand.value, INT)
            return Neg(operand)
        raise self.fail(f"Operator {type(node.op).__name__} ist nicht erlaubt", node)

    def visit_BinOp(self, node: ast.BinOp) -> Node:
        op = _ARITH.get(type(node.op))
        if op is None:
            raise self.fail(f"Rechenoperator {type(node.op).__name__} ist nicht erlaubt (nur + - *)", node)
        left, right = self.visit(node.left), self.visit(node.right)
        if op is operator.add and left.typ == STR and right.typ == STR:
            return Concat(left, right)
        if left.typ != INT or right.typ != INT:
            raise self.fail(f"Rechnen geht nur mit ganzen Zahlen (und Text + Text), nicht {left.typ} und "
                            f"{right.typ} (für Daten: add_years, add_months, add_days)", node)
        return Arith(op, left, right)

    def visit_Compare(self, node: ast.Compare) -> Node:
        parts: list[Node] = []
        left: Node | None = self.visit(node.left)
        for op, right_ast in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, ast.In | ast.NotIn):
                parts.append(self._in(left, right_ast, isinstance(op, ast.NotIn), node))
                left = None
                continue
            fn = _CMP.get(type(op))
            if fn is None:
                raise self.fail(f"Vergleich {type(op).__name__} ist nicht erlaubt", node)
            if left is None:
                raise self.fail("nach 'in (...)' kann nicht weiter verglichen werden", node)
            right = self.visit(right_ast)
            if left.typ != right.typ:
                raise self.fail(f"Vergleich {_CMP_TEXT[type(op)]} zwischen {left.typ} und {right.typ} "
                                "ist nicht möglich", node)
            if fn not in (operator.eq, operator.ne) and left.typ not in (INT, DATE):
                raise self.fail(f"{_CMP_TEXT[type(op)]} geht nur mit Zahlen und Daten, nicht {left.typ}", node)
            parts.append(Compare(fn, left, right))
            left = right
        return parts[0] if len(parts) == 1 else And(parts)

    def _in(self, left: Node | None, right: ast.AST, negate: bool, node: ast.AST) -> Node:
        if left is None:
            raise self.fail("'in' kann nicht an einen anderen Vergleich angehängt werden", node)
        if not isinstance(right, ast.Tuple | ast.List) or not right.elts:
            raise self.fail("rechts von 'in' muss eine Liste von Konstanten stehen, z. B. (\"a\", \"b\")", node)
        values = []
        for element in right.elts:
            const = self.visit(element)
            if not isinstance(const, Const):
                raise self.fail("die Liste nach 'in' darf nur Konstanten enthalten", element)
            if const.typ != left.typ or left.typ not in (STR, INT):
                raise self.fail(f"'in' vergleicht {left.typ} mit {const.typ}; erlaubt sind Listen von Texten "
                                "oder ganzen Zahlen passend zum Fakt", element)
            values.append(const.value)
        return InSet(left, tuple(values), negate)

    def visit_IfExp(self, node: ast.IfExp) -> Node:
        test = self._bool(node.test)
        body, orelse = self.visit(node.body), self.visit(node.orelse)
        if body.typ != orelse.typ:
            raise self.fail(f"beide Zweige von 'if/else' müssen denselben Typ haben ({body.typ}/{orelse.typ})", node)
        return IfExp(test, body, orelse)

    def visit_Call(self, node: ast.Call) -> Node:
        if not isinstance(node.func, ast.Name):
            raise self.fail(f"nur direkte Aufrufe der Funktionen {', '.join(sorted(FUNCTIONS))} sind erlaubt", node)
        name = node.func.id
        fn = FUNCTIONS.get(name)
        if fn is None:
            raise self.fail(f"Funktion {name!r} ist nicht erlaubt{_suggest(name, list(FUNCTIONS))}", node)
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise self.fail(f"{name}(): nur einfache Argumente ohne Namen oder * sind erlaubt", node)
        if name == "date":
            return self._date_const(node)
        count = len(node.args)
        if count < len(fn.args) or (count > len(fn.args) and not fn.variadic):
            raise self.fail(f"{name}() erwartet {len(fn.args)}{' oder mehr' if fn.variadic else ''} "
                            f"Argumente, nicht {count}", node)
        args = [self.visit(a) for a in node.args]
        expected = list(fn.args) + [fn.args[-1]] * (count - len(fn.args))
        generic: str | None = None
        for arg, want in zip(args, expected, strict=True):
            if want == "T":
                generic = generic or arg.typ
                want = generic
            if arg.typ != want:
                raise self.fail(f"{name}(): Argument hat den Typ {arg.typ}, erwartet wird {want}", node)
        if name in ("min", "max") and generic not in (INT, DATE):
            raise self.fail(f"{name}() geht nur mit Zahlen oder Daten", node)
        result = generic if fn.result == "T" else fn.result
        return Call(name, fn, args, result or BOOL)

    def _date_const(self, node: ast.Call) -> Node:
        if len(node.args) != 1 or not isinstance(node.args[0], ast.Constant) or not isinstance(node.args[0].value, str):
            raise self.fail('date() erwartet genau einen Text im Format "JJJJ-MM-TT"', node)
        try:
            return Const(dt.date.fromisoformat(node.args[0].value), DATE)
        except ValueError:
            raise self.fail(f"date(): {node.args[0].value!r} ist kein gültiges Datum (JJJJ-MM-TT)", node) from None


def _describe(node: ast.AST) -> str:
    names = {
        "Attribute": "Attributzugriff (x.y)", "Subscript": "Indexzugriff (x[...])", "Lambda": "lambda",
        "ListComp": "Listen-Abstraktion", "GeneratorExp": "Generator", "DictComp": "Dict-Abstraktion",
        "SetComp": "Mengen-Abstraktion", "Dict": "Dict", "Set": "Menge", "JoinedStr": "f-String",
        "NamedExpr": "Zuweisung (:=)", "Await": "await", "Yield": "yield", "Starred": "*-Ausdruck",
    }
    return names.get(type(node).__name__, f"Ausdruck {type(node).__name__}")


# ------------------------------------------------------------------------------------------ templates
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


class Template:
    """Explanation text with ``{expression}`` placeholders, e.g. ``"seit {stag_residence_since}"``."""

    def __init__(self, parts: list[str | Node]):
        self.parts = parts

    def render(self, env: SEnv) -> str:
        return "".join(p if isinstance(p, str) else format_value(p.s(env), p.typ) for p in self.parts)

    def nodes(self) -> list[Node]:
        return [p for p in self.parts if isinstance(p, Node)]


def compile_template(text: str, scope: Scope) -> Template:
    if not isinstance(text, str):
        raise ExprError("Text erwartet")
    parts: list[str | Node] = []
    position = 0
    for match in _PLACEHOLDER.finditer(text):
        parts.append(text[position:match.start()])
        try:
            parts.append(compile_expr(match.group(1), scope, expect=None))
        except ExprError as exc:
            raise ExprError(f"Platzhalter {{{match.group(1)}}}: {exc.message}") from None
        position = match.end()
    parts.append(text[position:])
    if any("{" in p or "}" in p for p in parts if isinstance(p, str)):
        raise ExprError("unvollständiger Platzhalter: geschweifte Klammern müssen paarweise stehen")
    return Template([p for p in parts if p != ""])


def format_value(value: Any, typ: str) -> str:
    if value is None:
        return "unbekannt"
    if typ == DATE:
        return dates.format_de(value)
    if typ == BOOL:
        return "ja" if value else "nein"
    return str(value)
