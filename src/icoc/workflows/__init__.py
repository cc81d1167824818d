"""Each ICoCA process as an explicit transition table: what *can* happen, and why not.

``PROCESSES`` maps a process name to its table; ``icoc diagram NAME`` renders one as Mermaid.
``INTERPRETER`` moves their instances: given a state (a :class:`StateView`) and an event, the
instances the event moves, or why it is refused.
"""

from __future__ import annotations

from icoc.workflows._interpreter import Change, Interpreter, StateView, subject_kind_of_application
from icoc.workflows._table import (
    NONE,
    PREVIOUS,
    Guard,
    GuardContext,
    Instance,
    SubjectKind,
    TableError,
    Transition,
    TransitionTable,
    guard,
)

__all__ = [
    "INTERPRETER",
    "NONE",
    "PREVIOUS",
    "PROCESSES",
    "Change",
    "Guard",
    "GuardContext",
    "Instance",
    "Interpreter",
    "StateView",
    "SubjectKind",
    "TableError",
    "Transition",
    "TransitionTable",
    "guard",
    "subject_kind_of_application",
]


def _load() -> dict[str, TransitionTable]:
    from icoc.workflows import (
        board,
        certification,
        company_status,
        complaints,
        compliance,
        external_certificate,
        member_status,
        membership,
        self_assessment,
    )

    tables = (
        membership.TABLE,
        company_status.TABLE,
        member_status.TABLE,
        certification.TABLE,
        external_certificate.TABLE,
        self_assessment.TABLE,
        compliance.TABLE,
        complaints.TABLE,
        board.TABLE,
    )
    return {t.process: t for t in tables}


PROCESSES: dict[str, TransitionTable] = _load()
"""Every process by name, in the order they are documented."""

INTERPRETER = Interpreter(PROCESSES.values())
"""The interpreter of ``PROCESSES``, for every event type (the registry's)."""
