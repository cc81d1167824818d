"""A private security company's status over time (Articles of Association, Art. 3 and the
membership regimes): member, transitional member, affiliate, certified member, suspended,
terminated, withdrawn; reinstatement returns it to the status it was suspended from."""

from __future__ import annotations

from collections.abc import Callable

from icoc.model.citation import Citation, Mark
from icoc.model.events import (
    Admission,
    Admitted,
    CertificationExpired,
    CertificationWithdrawn,
    DeadlineExtended,
    Event,
    ExternalCertificateWithdrawn,
    IcocaCertificationGranted,
    MovedToAffiliate,
    MovedToTransitional,
    Reinstated,
    Suspended,
    SwissRejoinWindowClosed,
    Terminated,
    TerminationProposed,
    Withdrew,
)
from icoc.model.members import ENTRY_STATUSES, STANDING_STATUSES, UNCERTIFIED_STATUSES, CompanyStatus
from icoc.workflows import certification
from icoc.workflows._guards import COMPANY_STATUS
from icoc.workflows._table import (
    NONE,
    PREVIOUS,
    GuardContext,
    Instance,
    SubjectKind,
    Transition,
    TransitionTable,
    guard,
)

PROCESS = COMPANY_STATUS
CITATION = Citation(document="Articles of Association", article="Art. 3; ICoCA membership rules (Member vs Affiliate)")

_ENTRY = tuple(str(s) for s in ENTRY_STATUSES)
_ACTIVE = tuple(str(s) for s in STANDING_STATUSES)
_UNCERTIFIED = tuple(str(s) for s in UNCERTIFIED_STATUSES)


def _last_certification_ends(ctx: GuardContext, event: Event, current: Instance | None) -> bool:
    """A certified member becomes a member again when the event ends its last ICoCA certification
    held; one certified in another scope stays a certified member, and so does one whose other
    certification is suspended from being certified (a suspension alone keeps a certified member
    certified, and reinstatement returns that certification)."""
    ending = set(certification.TABLE.keys_of(ctx, event))
    return ending != set() and not any(
        inst.key not in ending
        and (inst.state == "icoca_certified" or (inst.state == "suspended" and inst.previous == "icoca_certified"))
        for inst in certification.certifications_of(ctx, event.subject)
    )


def _admitted_as(admission: Admission) -> Callable[[Event], bool]:
    return lambda e: isinstance(e, Admitted) and e.admission is admission


def latest_completed_self_assessment(ctx: GuardContext, company: str) -> Instance | None:
    """The latest cycle that was rated or missed; cycles still open do not count yet."""
    latest: Instance | None = None
    for inst in ctx.instances("self-assessment", company):
        if inst.state in ("sent", "submitted"):
            continue
        if latest is None or inst.data["cycle"] > latest.data["cycle"]:
            latest = inst
    return latest


@guard("the latest self-assessment was rated satisfactory")
def _latest_csa_satisfactory(ctx: GuardContext, event: Event, current: Instance | None) -> str | None:
    latest = latest_completed_self_assessment(ctx, event.subject)
    if latest is None:
        return "no completed self-assessment on record"
    if latest.state != "satisfactory":
        return f"the latest self-assessment (cycle {latest.data['cycle']}) is {latest.state}, not satisfactory"
    return None


@guard("the company renewed its commitment")
def _commitment_renewed(ctx: GuardContext, event: Event, current: Instance | None) -> str | None:
    assert isinstance(event, MovedToAffiliate)
    return None if event.commitment_renewed else "an affiliate must renew its commitment to the Code"


@guard("the 2017 transitional regime is in force")
def _transitional_in_force(ctx: GuardContext, event: Event, current: Instance | None) -> str | None:
    start = ctx.setting("regimes.transitional.start")
    if event.effective < start:
        return f"the transitional regime starts on {start.isoformat()}"
    return None


_transitions: list[Transition] = []
for _src in (NONE, "terminated", "withdrawn"):
    for _status in _ENTRY:
        _transitions.append(
            Transition(
                source=_src,
                event=Admitted,
                target=_status,
                when=_admitted_as(Admission(_status)),
                label=f"as {_status}",
                citation=CITATION,
            )
        )
_transitions += [
    Transition(
        source="member", event=MovedToTransitional, target="transitional_member", guards=(_transitional_in_force,)
    ),
    *(
        Transition(
            source=s,
            event=MovedToAffiliate,
            target="affiliate",
            guards=(_commitment_renewed, _latest_csa_satisfactory),
            citation=Citation(
                document="ICoCA membership rules",
                article="Member vs Affiliate: an uncertified member past its deadline may become an Affiliate",
            ),
        )
        for s in _UNCERTIFIED
    ),
    *(Transition(source=s, event=IcocaCertificationGranted, target="certified_member") for s in _ENTRY),
    *(
        Transition(
            source="certified_member",
            event=ev,
            target="member",
            applies=_last_certification_ends,
            label="its last certification in force ends",
        )
        for ev in (CertificationExpired, CertificationWithdrawn, ExternalCertificateWithdrawn)
    ),
    *(Transition(source=s, event=Suspended, target="suspended") for s in _ACTIVE),
    Transition(source="suspended", event=Reinstated, target=PREVIOUS),
    *(Transition(source=s, event=TerminationProposed, target=s) for s in (*_ACTIVE, "suspended")),
    *(
        Transition(
            source=s,
            event=DeadlineExtended,
            target=s,
            # Not in a published text: the Board, as executive body, may extend a deadline (inferred).
            citation=Citation(document="Board decision extending a company's deadline", mark=Mark.INFERRED),
        )
        for s in (*_ACTIVE, "suspended")
    ),
    *(Transition(source=s, event=Terminated, target="terminated") for s in (*_ACTIVE, "suspended")),
    *(Transition(source=s, event=Withdrew, target="withdrawn") for s in (*_ACTIVE, "suspended")),
    *(
        Transition(
            source=s,
            event=SwissRejoinWindowClosed,
            target=s,
            citation=Citation(
                document="Swiss Federal Act on Private Security Services provided Abroad (PSSA) and ordinance",
                article="a company excluded from or withdrawn from ICoCA has a period to rejoin",
            ),
        )
        for s in ("terminated", "withdrawn")
    ),
]

TABLE = TransitionTable(
    process=PROCESS,
    title="Company status",
    subjects=frozenset({SubjectKind.COMPANY}),
    states=tuple(str(s) for s in CompanyStatus),
    final=frozenset({"terminated", "withdrawn"}),
    transitions=tuple(_transitions),
    follows=frozenset(
        {IcocaCertificationGranted, CertificationExpired, CertificationWithdrawn, ExternalCertificateWithdrawn}
    ),
    citation=CITATION,
    descriptions={
        "member": "uncertified member; certification deadline running",
        "transitional_member": "2017 regime: at most 2 years to certify",
        "affiliate": "no certification deadline; monitored and subject to complaints",
        "certified_member": "holds ICoCA certification",
    },
)
