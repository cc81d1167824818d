"""Translating icoc conditions for the durable-rules backend (:mod:`icoc.rules._durable`, whose
docstring lists the hazards this works around): typed, escaped fact keys whose 32-bit hashes never
collide, and one plain JSON expression per rule built from the safe subset of conditions.

* **Compile time refuses what could crash or mislead**: only constant comparisons, ``In``,
  ``Exists``, and/or/not and ``TRUE`` compile; ``Custom``, floats, datetimes and unknown nodes
  raise :class:`~icoc.errors.RuleError` naming the rule. One message per rule, never a join.
* **Typed keys.** A fact is posted under a key that carries its type (``n_`` numbers and bools,
  ``s_`` strings, ``d_`` dates as ordinals), so comparisons never cross types and Python's
  ``True == 1`` holds. Strings travel as ``"x" + hex(UTF-8)``: byte order is code-point order,
  and there is no empty string (durable never matches ``""``), no escape and no NUL.
* **32-bit identity.** durable-rules knows property names only by their 32-bit FNV-1a hash: keys
  whose hashes collide are salted at compile time.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, Final

from icoc.errors import RuleError
from icoc.model.sensitivity import Sensitivity, withheld
from icoc.rules._conditions import And, Cmp, Condition, Custom, Exists, In, Not, Or, _True
from icoc.rules._facts import fact_level
from icoc.rules._rule import Rule

__all__ = ["fact_key", "fact_name", "fnv1a32"]

# --- durable-rules' hash ---------------------------------------------------------------------------

_FNV_OFFSET: Final = 0x811C9DC5
_FNV_PRIME: Final = 0x01000193
_MASK: Final = 0xFFFFFFFF


def fnv1a32(text: str) -> int:
    """The 32-bit FNV-1a hash durable-rules identifies sessions, message ids and property names
    by: over the UTF-8 bytes read as *signed* chars (a byte >= 0x80 is sign-extended before
    the xor, as ``hash ^= (*str)`` does in its C core)."""
    h = _FNV_OFFSET
    for b in text.encode("utf-8"):
        h = ((h ^ (b | 0xFFFFFF00 if b & 0x80 else b)) * _FNV_PRIME) & _MASK
    return h


# --- fact names to durable keys ------------------------------------------------------------------

_SAFE: Final = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_ESCAPES: Final = {".": "__", "_": "_u", "-": "_h"}
_UNESCAPES: Final = {v[1]: k for k, v in _ESCAPES.items()}
_KINDS: Final = ("n", "s", "d")
"""Key prefixes: ``n`` ints and bools, ``s`` strings, ``d`` dates (ordinals)."""


def fact_key(name: str, kind: str = "n") -> str:
    """The durable key of fact ``name`` holding a value of ``kind``: injective and reversible
    (``fact_name``). Letters and digits stay, ``.`` becomes ``__``, ``_`` ``_u``, ``-`` ``_h``,
    anything else ``_x`` and six hex digits."""
    out = [kind, "_"]
    for ch in name:
        out.append(ch if ch in _SAFE else _ESCAPES.get(ch) or f"_x{ord(ch):06x}")
    return "".join(out)


def fact_name(key: str) -> tuple[str, str]:
    """The fact name and kind a key came from (the inverse of :func:`fact_key`; a compile-time
    salt ``_z<n>`` is dropped)."""
    kind, body = key[0], key[2:]
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch != "_":
            out.append(ch)
            i += 1
            continue
        tag = body[i + 1]
        if tag == "x":
            out.append(chr(int(body[i + 2 : i + 8], 16)))
            i += 8
        elif tag == "z":
            break
        else:
            out.append(_UNESCAPES[tag])
            i += 2
    return "".join(out), kind


# --- the compiler --------------------------------------------------------------------------------

_INT64: Final = (-(2**63), 2**63 - 1)
_MAX_FACTS_PER_RULE: Final = 48
_RESERVED: Final = ("id", "sid", "rule", "$s", "label", "chart")
"""Property names durable-rules itself gives meaning to; no fact key may share their hash."""
_NEGATED: Final = {"<": "$gte", "<=": "$gt", ">": "$lte", ">=": "$lt"}
_ORDER: Final = {"<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}


class _Refused(Exception):
    """A condition outside the safe subset (turned into a RuleError naming the rule)."""


class _Const:
    """Statically true or false, folded away before anything reaches durable-rules."""

    def __init__(self, value: bool) -> None:
        self.value = value


_T: Final = _Const(True)
_F: Final = _Const(False)
Expr = dict[str, Any] | _Const


def _flat(op: str, parts: Sequence[Expr], unit: _Const, zero: _Const) -> Expr:
    out: list[dict[str, Any]] = []
    for p in parts:
        if p is zero:
            return zero
        if p is unit:
            continue
        assert isinstance(p, dict)
        out.extend(p[op] if op in p and len(p) == 1 else [p])
    if not out:
        return unit
    return out[0] if len(out) == 1 else {op: out}


def _all(*parts: Expr) -> Expr:
    return _flat("$and", parts, _T, _F)


def _any(*parts: Expr) -> Expr:
    return _flat("$or", parts, _F, _T)


def _kind_of_const(value: object) -> tuple[str, Any]:
    """The key kind and durable value of a rule constant; refuses what durable cannot hold."""
    if isinstance(value, bool):
        return "n", int(value)
    if isinstance(value, int):
        if not _INT64[0] <= value <= _INT64[1]:
            raise _Refused(f"the integer {value} does not fit durable-rules' 64-bit integers")
        return "n", int(value)
    if isinstance(value, str):
        try:
            return "s", "x" + str.encode(value, "utf-8").hex()
        except UnicodeEncodeError as exc:
            raise _Refused(f"the string {value!r} is not valid UTF-8") from exc
    if isinstance(value, datetime):
        raise _Refused(f"{value!r} is a datetime; rule conditions compare dates")
    if isinstance(value, date):
        return "d", value.toordinal()
    if isinstance(value, float):
        raise _Refused(f"the float {value!r} cannot be compiled (durable-rules rejects floats such as 1e-07)")
    raise _Refused(f"the constant {value!r} ({type(value).__name__}) is not an int, string, bool, date or None")


class _Compiler:
    """Turns one condition tree into a durable expression over typed keys (negation pushed to
    the leaves, constants folded), collecting the facts it reads."""

    def __init__(self, keys: _Keys) -> None:
        self.keys = keys
        self.facts: dict[str, None] = {}
        self.ordered: dict[str, set[str]] = {}

    def key(self, name: object, kind: str) -> str:
        if not isinstance(name, str) or not name:
            raise _Refused(f"fact name {name!r} is not a non-empty string")
        self.facts[name] = None
        return self.keys.key(name, kind)

    def missing(self, name: str) -> Expr:
        return _all(*({"$nex": {self.key(name, k): 1}} for k in _KINDS))

    def present(self, name: str) -> Expr:
        return _any(*({"$ex": {self.key(name, k): 1}} for k in _KINDS))

    def equal(self, name: str, value: object, negate: bool) -> Expr:
        if value is None:
            return self.present(name) if negate else self.missing(name)
        kind, v = _kind_of_const(value)
        k = self.key(name, kind)
        if negate:  # Python: a fact of another type, or no fact, is unequal
            return _any({"$nex": {k: 1}}, {"$neq": {k: v}})
        return {k: v}

    def expr(self, cond: Condition, negate: bool = False) -> Expr:
        node = type(cond)  # exact types: a subclass may evaluate differently
        if node is _True:
            return _F if negate else _T
        if node is Cmp:
            assert isinstance(cond, Cmp)
            if cond.op == "==":
                return self.equal(cond.name, cond.value, negate)
            if cond.op == "!=":
                return self.equal(cond.name, cond.value, not negate)
            if cond.op not in _ORDER:
                raise _Refused(f"unknown comparison {cond.op!r} in {cond.describe()}")
            if cond.value is None:
                raise _Refused(f"{cond.describe()} orders a fact against None")
            kind, v = _kind_of_const(cond.value)
            k = self.key(cond.name, kind)
            self.ordered.setdefault(cond.name, set()).add(kind)
            if negate:  # not (x < c): no fact, or x >= c (a fact of another type is refused when posted)
                return _any({"$nex": {k: 1}}, {_NEGATED[cond.op]: {k: v}})
            return {_ORDER[cond.op]: {k: v}}
        if node is In:
            assert isinstance(cond, In)
            parts = [self.equal(cond.name, v, negate) for v in cond.values]
            return _all(*parts) if negate else _any(*parts)
        if node is Exists:
            assert isinstance(cond, Exists)
            return self.missing(cond.name) if negate else self.present(cond.name)
        if node is Not:
            assert isinstance(cond, Not)
            return self.expr(cond.part, not negate)
        if node is And or node is Or:
            assert isinstance(cond, And | Or)
            parts = [self.expr(p, negate) for p in cond.parts]
            return _any(*parts) if (node is And) == negate else _all(*parts)
        if isinstance(cond, Custom):
            raise _Refused(f"Custom predicate {cond.describe()!r} runs on the native backend only")
        raise _Refused(f"{node.__name__} is not in the subset durable-rules can run")


class _Keys:
    """Fact name and kind -> durable key, with 32-bit hash collisions salted away (durable
    would otherwise read one property as another)."""

    def __init__(self) -> None:
        self._keys: dict[tuple[str, str], str] = {}
        self._hashes: set[int] = {fnv1a32(r) for r in _RESERVED}

    def key(self, name: str, kind: str) -> str:
        got = self._keys.get((name, kind))
        if got is None:
            base = got = fact_key(name, kind)
            for salt in itertools.count(1):
                h = fnv1a32(got)
                if h not in self._hashes:
                    break
                got = f"{base}_z{salt}"
            self._hashes.add(h)
            self._keys[(name, kind)] = got
        return got

    def __len__(self) -> int:
        return len(self._keys)


_Field = tuple[str, str, str, str, frozenset[str]]  # fact name, n key, s key, d key, kinds it is ordered as


class _Compiled:
    """One rule compiled: its tag, its durable rule and how to build its message from facts."""

    def __init__(self, rule: Rule, index: int, keys: _Keys) -> None:
        self.rule = rule
        self.index = index
        self.tag = f"r{index}"
        self.citation = str(rule.citation)
        c = _Compiler(keys)
        try:
            expr = c.expr(rule.when)
            if len(c.facts) > _MAX_FACTS_PER_RULE:
                raise _Refused(
                    f"it reads {len(c.facts)} facts; one durable message holds at most {_MAX_FACTS_PER_RULE}"
                )
        except _Refused as exc:
            raise RuleError(rule.id, f"cannot be compiled for durable-rules: {exc}", self.citation) from None
        tag: dict[str, Any] = {"rule": self.tag}
        if isinstance(expr, dict):
            tag = {"$and": [tag, *(expr["$and"] if list(expr) == ["$and"] else [expr])]}
        elif expr is _F:  # statically false: the tag and its absence
            tag = {"$and": [tag, {"$nex": {"rule": 1}}]}
        self.expression = tag
        self.fields: tuple[_Field, ...] = tuple(
            (n, keys.key(n, "n"), keys.key(n, "s"), keys.key(n, "d"), frozenset(c.ordered.get(n, ()))) for n in c.facts
        )

    def message(self, facts: Mapping[str, Any]) -> dict[str, Any]:
        """The event for this rule: its tag and the typed facts it reads (absent when None)."""
        msg: dict[str, Any] = {"rule": self.tag}
        value: Any
        for name, nk, sk, dk, ordered in self.fields:
            v = facts.get(name)
            if v is None:
                continue
            if isinstance(v, bool):
                kind, key, value = "n", nk, 1 if v else 0
            elif isinstance(v, int):
                if not _INT64[0] <= v <= _INT64[1]:
                    raise self.refuse(name, v, "does not fit durable-rules' 64-bit integers")
                kind, key, value = "n", nk, int(v)
            elif isinstance(v, str):
                try:
                    kind, key, value = "s", sk, "x" + str.encode(v, "utf-8").hex()
                except UnicodeEncodeError:
                    raise self.refuse(name, v, "is not valid UTF-8") from None
            elif isinstance(v, date) and not isinstance(v, datetime):
                kind, key, value = "d", dk, v.toordinal()
            else:
                raise self.refuse(name, v, "is not an int, string, bool, date or None")
            if ordered and (len(ordered) > 1 or kind not in ordered):
                raise self.refuse(name, v, "is ordered (<, <=, >, >=) against a constant of another type")
            msg[key] = value
        return msg

    def refuse(self, name: str, value: object, why: str) -> RuleError:
        level = fact_level(name)  # a reason or a statement is never echoed in an error
        shown = repr(value) if level is Sensitivity.PUBLIC else withheld(level)
        return RuleError(self.rule.id, f"fact {name} = {shown} ({type(value).__name__}) {why}", self.citation)
