"""Status of a CSO, a government or an observer: active, suspended, terminated, withdrawn."""

from __future__ import annotations

from icoc.model.citation import Citation
from icoc.model.events import Admitted, Reinstated, Suspended, Terminated, Withdrew
from icoc.workflows._guards import MEMBER_STATUS
from icoc.workflows._table import NONE, SubjectKind, Transition, TransitionTable

PROCESS = MEMBER_STATUS

TABLE = TransitionTable(
    process=PROCESS,
    title="Member status (civil society, governments, observers)",
    subjects=frozenset({SubjectKind.CSO, SubjectKind.GOVERNMENT, SubjectKind.OBSERVER}),
    states=("active", "suspended", "terminated", "withdrawn"),
    final=frozenset({"terminated", "withdrawn"}),
    citation=Citation(document="Articles of Association", article="Art. 3 and 4"),
    transitions=(
        Transition(source=NONE, event=Admitted, target="active"),
        Transition(source="terminated", event=Admitted, target="active"),
        Transition(source="withdrawn", event=Admitted, target="active"),
        Transition(source="active", event=Suspended, target="suspended"),
        Transition(source="suspended", event=Reinstated, target="active"),
        Transition(source="active", event=Terminated, target="terminated"),
        Transition(source="suspended", event=Terminated, target="terminated"),
        Transition(source="active", event=Withdrew, target="withdrawn"),
        Transition(source="suspended", event=Withdrew, target="withdrawn"),
    ),
)
