"""What every part of the document import shares: the cause, the planned step with the document
record that asked for it (so a refusal names ``$.companies[3]...``), the planner's indexes, the
checks that span record kinds and the order the events are applied in."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from enum import IntEnum
from typing import Any, TypeVar

import attrs

from icoc.errors import InvalidInput, Problem
from icoc.model.certificates import ExternalCertificate, IcocaCertification
from icoc.model.document import RegistryDocument
from icoc.model.events import Cause, CertificationExpired, CertificationWithdrawn, Event, Terminated, Withdrew
from icoc.model.members import CivilSocietyOrganisation, Government, Observer, ServiceDomain
from icoc.rules import ParameterSet

IMPORT_CAUSE = Cause(actor="import")
"""The cause of every event the import writes."""

RECORDED = "as recorded in the registry document"
"""The stock phrase of a reason the document does not record."""

DAY = timedelta(days=1)
E = TypeVar("E", bound=Event)


class Group(IntEnum):
    """Order of a member's processes on one date: admitted first, status changes last."""

    ADMISSION = 0
    CERTIFICATION = 1
    SELF_ASSESSMENT = 2
    STATUS = 3


@attrs.frozen
class Step:
    """One planned event and the document record that called for it."""

    event: Event
    path: str
    """The document record that called for the event (``$.companies[3]``)."""
    group: int = 0
    seq: int = 0


class Planner:
    """Builds the import's events record by record, remembering which record asked for each.

    The record kinds' modules add steps to its lists: ``lives`` (each member's own events),
    ``board``, ``complaints`` and ``cases``; :func:`in_order` puts them in the order applied.
    """

    def __init__(self, doc: RegistryDocument, parameters: ParameterSet) -> None:
        self.doc = doc
        self.params = parameters
        self.as_of = doc.as_of
        self._seq = 0
        self.lives: dict[str, list[Step]] = {}
        """Each member's own events (membership, status, certification, self-assessments)."""
        self.board: list[Step] = []
        self.complaints: list[Step] = []
        self.cases: list[Step] = []
        self.companies = {c.id: c for c in doc.companies}
        # Indexes, so planning stays linear in the size of the document.
        self.external = {x.id: x for x in doc.certificates}
        self.certificates_of: dict[str, list[tuple[int, ExternalCertificate]]] = {}
        for j, x in enumerate(doc.certificates):
            self.certificates_of.setdefault(x.company, []).append((j, x))
        self.icoca_of: dict[str, list[tuple[int, IcocaCertification]]] = {}
        for k, ic in enumerate(doc.icoca_certifications):
            self.icoca_of.setdefault(ic.company, []).append((k, ic))
        self.used = {ic.based_on for ic in doc.icoca_certifications}
        self.standards = {s.id: s for s in doc.standards}
        self.bodies = {b.id: b for b in doc.certification_bodies}

    def scope_of(self, certificate: ExternalCertificate) -> ServiceDomain:
        """The scope of ICoCA certification a certificate supports (land unless maritime-only)."""
        standard = self.standards.get(certificate.standard)
        return standard.scope if standard is not None else ServiceDomain.LAND

    def make(self, path: str, build: Callable[..., E], **fields: Any) -> E:
        """An event with the import's cause; a payload its own validators refuse names ``path``."""
        try:
            return build(cause=IMPORT_CAUSE, **fields)
        except InvalidInput as exc:
            raise exc.under(path) from None

    def step(self, event: Event, path: str, group: Group = Group.ADMISSION) -> Step:
        """``event`` as the next step, called for by the record at ``path``."""
        self._seq += 1
        return Step(event, path, int(group), self._seq)

    def life(self, member: str, event: Event, path: str, group: Group) -> None:
        """Add ``event`` to the member's own history."""
        self.lives.setdefault(member, []).append(self.step(event, path, group))

    def not_after_as_of(self, path: str, when: date | None) -> None:
        """Raise InvalidInput naming ``path`` when ``when`` is after the document's date."""
        if when is not None and when > self.as_of:
            raise InvalidInput(
                Problem(path, f"{when.isoformat()} is after the document's as_of {self.as_of.isoformat()}")
            )


def check_id_space(doc: RegistryDocument) -> None:
    """Members, cases and complaints share the registry's one space of subject ids."""
    owners: dict[str, str] = {}
    for m in doc.members():
        owners[m.id] = "a member"
    records: list[tuple[str, str, str]] = [
        *((f"$.cases[{i}].id", x.id, "a compliance case") for i, x in enumerate(doc.cases)),
        *((f"$.complaints[{i}].id", x.id, "a complaint") for i, x in enumerate(doc.complaints)),
    ]
    for path, subject, what in records:
        if subject in owners:
            raise InvalidInput(
                Problem(
                    path,
                    f"{subject!r} is also the id of {owners[subject]}; the registry names members, "
                    "cases and complaints in one id space",
                )
            )
        owners[subject] = what


def non_company_members(
    doc: RegistryDocument,
) -> Iterator[tuple[str, CivilSocietyOrganisation | Government | Observer]]:
    """CSOs, governments and observers, each with its path in the document."""
    for i, cso in enumerate(doc.civil_society):
        yield f"$.civil_society[{i}]", cso
    for i, gov in enumerate(doc.governments):
        yield f"$.governments[{i}]", gov
    for i, obs in enumerate(doc.observers):
        yield f"$.observers[{i}]", obs


def in_order(planner: Planner) -> list[Step]:
    """Every planned step in the order it is applied.

    Events are in date order across subjects, except the terminations and withdrawals (with
    whatever a member's history holds after them), which come last: records about a member
    that the document keeps are imported even when they are dated after the member left.
    """
    lives: list[Step] = []
    for steps in planner.lives.values():
        ordered = sorted(steps, key=lambda s: (s.event.effective, s.group, s.seq))
        cut = next(
            (k for k, s in enumerate(ordered) if isinstance(s.event, (Terminated, Withdrew))),
            len(ordered),
        )
        # Leaving the Association withdraws ICoCA certification with the membership; an end
        # of certification the document dates after that has nothing left to end.
        lives.extend(
            s
            for k, s in enumerate(ordered)
            if k <= cut or not isinstance(s.event, (CertificationWithdrawn, CertificationExpired))
        )
    # One date order across subjects (stable, so each subject keeps its own order): guards
    # read the current state of related subjects, which must be the state on the event's date,
    # and the registry's clock moves with its inputs.
    return sorted([*lives, *planner.board, *planner.complaints, *planner.cases], key=lambda s: s.event.effective)
