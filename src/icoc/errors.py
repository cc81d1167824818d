"""Errors raised by icoc: one base class, one subclass per kind of mistake.

Every error names what was wrong and where, so a caller (or the CLI) can show one line
to a person without a traceback.
"""

from __future__ import annotations

import reprlib
from collections.abc import Iterable, Sequence

import attrs

__all__ = [
    "IcocError",
    "IllegalTransition",
    "InvalidInput",
    "Problem",
    "RuleConflict",
    "RuleError",
    "InvalidRuleSet",
    "RegistryChanged",
    "StoreConflict",
    "StoreCorrupted",
    "StoreFull",
    "UnknownMember",
    "preview",
]

_PREVIEW = reprlib.Repr()
_PREVIEW.maxlevel = 2
_PREVIEW.maxstring = 40
_PREVIEW.maxother = 40
_PREVIEW.maxlong = 24
for _name in ("maxdict", "maxlist", "maxtuple", "maxset", "maxfrozenset", "maxdeque", "maxarray"):
    setattr(_PREVIEW, _name, 4)


def preview(value: object, limit: int = 60) -> str:
    """A one-line ``repr`` of ``value`` of at most ``limit`` characters, built in bounded time
    whatever ``value`` holds (a 5,000-digit integer, a list of a billion items, a cycle): error
    messages about hostile input show a preview, never the whole value."""
    try:
        text = _PREVIEW.repr(value)
    except Exception:  # a hostile __repr__: name the type only
        text = f"<{type(value).__name__}>"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: max(limit - 3, 0)] + "..."


@attrs.frozen
class Problem:
    """One thing wrong with an input: where (a path such as ``$.members[3].joined``) and why."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class IcocError(Exception):
    """Base class of every error icoc raises on purpose."""

    batch_index: int | None = None
    """The position, in the events given, of the event refused by ``Registry.submit_all`` (and so
    ``Registry.from_history``: the index in the history's ``events``); ``None`` otherwise."""


class InvalidInput(IcocError, ValueError):
    """Input that cannot become a valid icoc value; lists every problem found with its path."""

    problems: tuple[Problem, ...]

    def __init__(self, problems: Problem | str | Iterable[Problem], path: str = "") -> None:
        if isinstance(problems, str):
            problems = (Problem(path, problems),)
        elif isinstance(problems, Problem):
            problems = (problems,)
        self.problems = tuple(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        return f"{len(self.problems)} problems: " + "; ".join(str(p) for p in self.problems)

    def under(self, prefix: str) -> InvalidInput:
        """The same problems, with their paths placed under ``prefix`` (``$.companies[3]``)."""
        return InvalidInput(Problem(_join(prefix, p.path), p.message) for p in self.problems)


def _join(prefix: str, path: str) -> str:
    if not path:
        return prefix
    if path.startswith("$"):
        path = path[1:]
    elif path[:1].isupper():  # "ClassName.field" from a validator: the prefix names the object
        cut = min((i for i in (path.find("."), path.find("[")) if i >= 0), default=len(path))
        path = path[cut:]
    if path and path[0] not in ".[":
        path = "." + path
    return prefix + path


class UnknownMember(IcocError, KeyError):
    """An id that names no member (or other record) of the registry."""

    def __init__(self, member_id: str, where: str = "registry") -> None:
        self.member_id = member_id
        self.where = where
        super().__init__(member_id)

    def __str__(self) -> str:
        return f"unknown id {self.member_id!r} in the {self.where}"


class IllegalTransition(IcocError):
    """An event the workflow refuses; names the process, the state, the event and the reason."""

    def __init__(
        self,
        process: str,
        subject: str,
        state: str | None,
        event: str,
        reason: str,
        guard: str | None = None,
    ) -> None:
        self.process = process
        self.subject = subject
        self.state = state
        self.event = event
        self.reason = reason
        self.guard = guard
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.state if self.state is not None else "(no state)"
        by = f" (guard {self.guard})" if self.guard else ""
        return f"{self.process}: {self.event} refused for {self.subject} in state {where}{by}: {self.reason}"


class RuleError(IcocError):
    """A rule that cannot be compiled or whose action failed; names the rule and its citation."""

    def __init__(self, rule_id: str, message: str, citation: str | None = None) -> None:
        self.rule_id = rule_id
        self.citation = citation
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        cited = f" [{self.citation}]" if self.citation else ""
        return f"rule {self.rule_id}{cited}: {self.message}"


class InvalidRuleSet(RuleError, InvalidInput):
    """A rule set naming states, facts, parameters or events that do not exist, found when a
    registry is built (never when a rule first fires). Every problem at once, each path naming
    the rule (``rules[3](ART3.CERT_DEADLINE).when.parts[0].value``); ``rule_id`` is the first
    offending rule's. Both a :class:`RuleError` and an :class:`InvalidInput`."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        InvalidInput.__init__(self, problems)
        first = self.problems[0].path if self.problems else ""
        self.rule_id = first[first.find("(") + 1 : first.find(")")] if "(" in first else "(rule set)"
        self.citation = None
        self.message = InvalidInput.__str__(self)

    def __str__(self) -> str:
        return InvalidInput.__str__(self)


class RuleConflict(RuleError):
    """Two exceptions to the same base rule apply at once; the engine never picks one silently."""

    def __init__(self, rule_id: str, exceptions: Sequence[str], subject: str) -> None:
        self.exceptions = tuple(exceptions)
        self.subject = subject
        super().__init__(
            rule_id,
            f"exceptions {', '.join(self.exceptions)} all apply to {subject}; resolve the conflict in the rule set",
        )


class StoreCorrupted(IcocError):
    """An event store that cannot be read as written: a truncated or unreadable line, a batch
    interrupted before its end, a record edited or moved (its checksum no longer chains), a
    dropped table, a file cut short. Names the file, for JSON lines the line, and ``seq``: the
    first sequence number that is bad or missing, when known. Nothing after it is replayed."""

    def __init__(self, path: str, message: str, line: int | None = None, *, seq: int | None = None) -> None:
        self.path = path
        self.line = line
        self.seq = seq
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        at = f" (first bad event: {self.seq})" if self.seq is not None else ""
        return f"event store {where}: {self.message}{at}"


class StoreFull(IcocError):
    """An append refused because the disk (or the process's file-size limit) is full: nothing
    of the batch was stored and the store is intact; free some space and retry."""

    def __init__(self, path: str, detail: str = "") -> None:
        self.path = path
        self.detail = detail
        super().__init__(str(self))

    def __str__(self) -> str:
        why = f" ({self.detail})" if self.detail else ""
        return f"event store {self.path}: the disk is full{why}; nothing of the batch was stored, free space and retry"


class StoreConflict(IcocError):
    """An append refused because the store moved on: another writer appended since ``expected``."""

    def __init__(self, path: str, expected: int, actual: int) -> None:
        self.path = path
        self.expected = expected
        self.actual = actual
        super().__init__(str(self))

    def __str__(self) -> str:
        return (
            f"event store {self.path}: expected last sequence number {self.expected}, but it is {self.actual} "
            "(another writer appended; read the new events and retry)"
        )


class RegistryChanged(IcocError):
    """A registry changed while a computation over one of its states was still running (a
    ``check_all`` stream being consumed while events were submitted): refused rather than mixing
    two states in one answer."""

    def __init__(self, what: str, as_of: str) -> None:
        self.what = what
        self.as_of = as_of
        super().__init__(str(self))

    def __str__(self) -> str:
        return (
            f"the registry changed while {self.what} (as of {self.as_of}) was being consumed; "
            "collect the results first (list(...)) or start again after the change"
        )
