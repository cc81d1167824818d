"""Errors raised by icoc: one base class, one subclass per kind of mistake.

Every error names what was wrong and where, so a caller (or the CLI) can show one line
to a person without a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs

__all__ = [
    "IcocError",
    "IllegalTransition",
    "InvalidInput",
    "Problem",
    "RuleConflict",
    "RuleError",
    "RegistryChanged",
    "StoreConflict",
    "StoreCorrupted",
    "UnknownMember",
]


@attrs.frozen
class Problem:
    """One thing wrong with an input: where (a path such as ``$.members[3].joined``) and why."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class IcocError(Exception):
    """Base class of every error icoc raises on purpose."""


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
    interrupted before its end, a broken database. Names the file and, for JSON lines, the line."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"event store {where}: {self.message}"


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
