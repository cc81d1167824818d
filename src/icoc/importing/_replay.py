"""Importing a registry document: the events that lead to its snapshot, replayed into a Registry.

A document says where everything stands on one date; the registry only changes through events.
The import writes the shortest history the workflows accept that ends where the document says,
dated with the document's own dates (the best available one when a step's date is not recorded,
never the wall clock and never later than ``as_of``), so rules, explanations and eligibility
checks run on document files. Every generated event has the cause ``import``.

How records become events:

- Members apply, are reviewed (companies only) and are admitted on ``joined``: a company as member,
  transitional member or affiliate by its status (a certified member, and a terminated or
  withdrawn company, as member; a suspended one as the status it was suspended from), an observer
  as observer, CSOs and governments as members. ``Suspended``, ``Terminated`` or ``Withdrew``
  follow on ``status_since`` (``as_of`` when a CSO, government or observer has none), with a
  company's ``status_ground`` as their ground (``other`` when absent) and its ``status_reason`` as
  their (company-level) reason (a stock phrase when absent).
- ICoCA certifications, in grant order: the external certificate is recorded (as it stood then:
  valid) on max(issued, joined, end of the previous certification), the application and the grant
  on max(granted, that date), then the certification's status: expired on its expiry; withdrawn
  when the company was suspended, terminated or withdrew, else at the earliest of the next
  certification's start and its expiry; suspended when the company was, else when the next
  certification starts, else on ``as_of`` (all capped at ``as_of``). A grant makes a company a
  certified member and a lapse makes it a member again, so a certification no longer in force is
  shown granted only when that ends in the company's own status (see ``_grant_shown``).
- Certifications are held for members: one that had lapsed when the company joined, or that
  starts after it left, is not imported (unless the document says it is certified). Every other
  certificate in force, to a recognised standard from a body accepted for that standard on its
  issue date, is recorded (a company holds any number of them, whatever its certification is
  doing); ISO 9001 and the like grant nothing and are skipped.
- Self-assessments: sent on ``sent`` (else the usual dispatch date, parameter
  ``self_assessment.sent``, no later than ``due``), never before joining; one sent after the
  company left or after ``as_of`` is not imported. Submitted and rated on the submission date;
  missed the day after ``due`` when not submitted by then (a late one is missed, then submitted).
- Compliance cases: opened, then each rung of the ladder up to ``stage`` on the opening date;
  corrective action with the case's plan (its recommendation date, deadline and actions), or,
  with no plan recorded, a plan named ``<case>/plan`` recommended on opening whose deadline is the
  next step's date (``as_of`` while open); implemented on ``closed``, resolved on ``closed``,
  suspension proceedings the day after the plan's deadline (capped at ``as_of``).
- Complaints: received (with the company on record, or none: ``company_name`` for a company not
  on record), classified, referred, remedied or unresolved as the stage requires, closed on
  ``closed``; a closed complaint with no ``kind`` was never classified and is closed from
  ``received`` (not admissible); a closed complaint with a route but no outcome, or an outcome but no route, is
  closed from classification with that route or outcome in the closing reason (the workflow only
  closes a referred complaint once it is remedied or unresolved).
- Board: four seats per pillar, created when the earliest imported director took office; each
  director in office on ``as_of`` is nominated, elected and takes office on ``term_start``. Each
  seat of a pillar left vacant on ``as_of`` receives one of the pillar's past directors, latest
  term end first (the document does not say which seat a director held): elected, in office,
  and its term ended on ``term_end``, so the pillar's re-election limit
  (``board.reelection.<pillar>``) applies to that outgoing director after the import. A past
  director the Board workflow could not have seated (a term longer than ``board.term_years``,
  an organisation not an active member of the pillar when the term started) is skipped.

Members' own histories are applied first, then the board, complaints and cases, and last the
terminations and withdrawals: a case, complaint or director the document keeps about a member is
imported even when it is dated after the member left. Each subject's events are in date order.

Some documents cannot be a registry's history: a company providing no security services (the
registry makes such an applicant an observer, never a PSC member), a case or complaint whose id is
also a member's or another record's (subjects share one id space), or records that contradict
each other (a case implemented before its plan was recommended, a certified member whose
certification lapsed before it joined, a suspension "from certified member" with no certification
granted before it, anything a workflow guard refuses).
A document the workflows cannot reach raises :class:`~icoc.errors.InvalidInput` naming the record
(``$.companies[3]...``); no half-built registry is ever returned. After the replay the import
checks that every member, case and complaint stands where the document says.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from enum import IntEnum
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
from dateutil.relativedelta import relativedelta

from icoc.errors import IllegalTransition, InvalidInput, Problem, RuleError, UnknownMember
from icoc.model.certificates import (
    ExternalCertificate,
    ExternalCertificateStatus,
    IcocaCertification,
    IcocaCertificationStatus,
)
from icoc.model.complaints import Complaint, ComplaintOutcome, ComplaintStage
from icoc.model.document import RegistryDocument
from icoc.model.events import (
    Admission,
    Admitted,
    ApplicantKind,
    ApplicationSubmitted,
    CaseOpened,
    CaseResolved,
    Cause,
    CertificationExpired,
    CertificationWithdrawn,
    ComplaintClassified,
    ComplaintClosed,
    ComplaintReceived,
    ComplaintReferred,
    ComplaintRemedied,
    ComplaintUnresolved,
    CorrectiveActionRecommended,
    CorrectiveActionVerified,
    DialogueOpened,
    DirectorElected,
    DirectorTookOffice,
    DueDiligenceStarted,
    Event,
    ExternalCertificateRecorded,
    ExternalCertificateSuspended,
    Ground,
    IcocaApplicationSubmitted,
    IcocaCertificationGranted,
    NominationsOpened,
    ReferredToBoard,
    SeatCreated,
    SelfAssessmentMissed,
    SelfAssessmentRated,
    SelfAssessmentSent,
    SelfAssessmentSubmitted,
    Suspended,
    SuspensionProceedingsOpened,
    TermEnded,
    Terminated,
    Withdrew,
)
from icoc.model.governance import SEATS_PER_PILLAR, Director
from icoc.model.ids import PlanId
from icoc.model.members import (
    CivilSocietyOrganisation,
    CompanyStatus,
    Government,
    MembershipStatus,
    Observer,
    Pillar,
    ServiceDomain,
)
from icoc.model.monitoring import CaseStage, ComplianceCase, CorrectiveActionPlan, SelfAssessment
from icoc.model.sensitivity import Sensitivity, withheld
from icoc.rules import DEFAULT_PARAMETERS, ParameterSet

if TYPE_CHECKING:
    from icoc.model.members import Company
    from icoc.registry import Registry

__all__ = ["IMPORT_CAUSE", "events_from_document", "import_document"]

IMPORT_CAUSE = Cause(actor="import")
"""The cause of every event the import writes."""

_RECORDED = "as recorded in the registry document"
_DAY = timedelta(days=1)
_E = TypeVar("_E", bound=Event)


class _Group(IntEnum):
    """Order of a member's processes on one date: admitted first, status changes last."""

    ADMISSION = 0
    CERTIFICATION = 1
    SELF_ASSESSMENT = 2
    STATUS = 3


@attrs.frozen
class _Step:
    event: Event
    path: str
    """The document record that called for the event (``$.companies[3]``)."""
    group: int = 0
    seq: int = 0


_COMPANY_ADMISSION = {
    CompanyStatus.MEMBER: Admission.MEMBER,
    CompanyStatus.TRANSITIONAL_MEMBER: Admission.TRANSITIONAL_MEMBER,
    CompanyStatus.AFFILIATE: Admission.AFFILIATE,
    CompanyStatus.CERTIFIED_MEMBER: Admission.MEMBER,  # certified by its certification events
}

_ICOCA_STATE = {
    IcocaCertificationStatus.CERTIFIED: "icoca_certified",
    IcocaCertificationStatus.SUSPENDED: "suspended",
    IcocaCertificationStatus.EXPIRED: "expired",
    IcocaCertificationStatus.WITHDRAWN: "withdrawn",
}


def _month_day(value: object, year: int) -> date | None:
    """``"07-01"`` in ``year``, or None when the parameter is not a month-day."""
    if not isinstance(value, str):
        return None
    try:
        month, day = (int(x) for x in value.split("-"))
        return date(year, month, day)
    except ValueError:
        return None


class _Planner:
    """Builds the import's events record by record, remembering which record asked for each."""

    def __init__(self, doc: RegistryDocument, parameters: ParameterSet) -> None:
        self.doc = doc
        self.params = parameters
        self.as_of = doc.as_of
        self._seq = 0
        self.lives: dict[str, list[_Step]] = {}
        """Each member's own events (membership, status, certification, self-assessments)."""
        self.board: list[_Step] = []
        self.complaints: list[_Step] = []
        self.cases: list[_Step] = []
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

    # --- helpers -------------------------------------------------------------------------------

    def scope_of(self, certificate: ExternalCertificate) -> ServiceDomain:
        """The scope of ICoCA certification a certificate supports (land unless maritime-only)."""
        standard = self.standards.get(certificate.standard)
        return standard.scope if standard is not None else ServiceDomain.LAND

    def make(self, path: str, build: Callable[..., _E], **fields: Any) -> _E:
        """An event with the import's cause; a payload its own validators refuse names ``path``."""
        try:
            return build(cause=IMPORT_CAUSE, **fields)
        except InvalidInput as exc:
            raise exc.under(path) from None

    def step(self, event: Event, path: str, group: _Group = _Group.ADMISSION) -> _Step:
        self._seq += 1
        return _Step(event, path, int(group), self._seq)

    def life(self, member: str, event: Event, path: str, group: _Group) -> None:
        self.lives.setdefault(member, []).append(self.step(event, path, group))

    # --- the plan ------------------------------------------------------------------------------

    def plan(self) -> list[_Step]:
        """Every event in the order it is applied.

        Events are in date order across subjects, except the terminations and withdrawals (with
        whatever a member's history holds after them), which come last: records about a member
        that the document keeps are imported even when they are dated after the member left.
        """
        self._check_id_space()
        for i, c in enumerate(self.doc.companies):
            self._company(i, c)
        for path, m in _non_company_members(self.doc):
            self._member(path, m)
        for i, sa in enumerate(self.doc.self_assessments):
            self._self_assessment(i, sa)
        self._board()
        plans = self._plans_by_case()
        for i, cp in enumerate(self.doc.complaints):
            self._complaint(i, cp)
        for i, case in enumerate(self.doc.cases):
            self._case(i, case, plans.get(case.id))

        lives: list[_Step] = []
        for steps in self.lives.values():
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
        return sorted([*lives, *self.board, *self.complaints, *self.cases], key=lambda s: s.event.effective)

    def _check_id_space(self) -> None:
        """Members, cases and complaints share the registry's one space of subject ids."""
        owners: dict[str, str] = {}
        for m in self.doc.members():
            owners[m.id] = "a member"
        records: list[tuple[str, str, str]] = [
            *((f"$.cases[{i}].id", x.id, "a compliance case") for i, x in enumerate(self.doc.cases)),
            *((f"$.complaints[{i}].id", x.id, "a complaint") for i, x in enumerate(self.doc.complaints)),
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

    # --- members -------------------------------------------------------------------------------

    def _admit(self, member: str, path: str, application: ApplicationSubmitted, admission: Admission) -> None:
        on = application.effective
        self.life(member, application, path, _Group.ADMISSION)
        if application.applicant is ApplicantKind.COMPANY:
            self.life(
                member, self.make(path, DueDiligenceStarted, subject=member, effective=on), path, _Group.ADMISSION
            )
        admitted = self.make(path, Admitted, subject=member, effective=on, admission=admission)
        self.life(member, admitted, path, _Group.ADMISSION)

    def _company(self, i: int, c: Company) -> None:
        path = f"$.companies[{i}]"
        if not c.provides_security_services:
            raise InvalidInput(
                Problem(
                    f"{path}.provides_security_services",
                    "a company that provides no security services joins the registry as an observer, "
                    f"not with the company status {c.status.value!r}; list it under observers",
                )
            )
        entry = c.suspended_from if c.status is CompanyStatus.SUSPENDED else c.status
        assert entry is not None  # the model requires suspended_from on a suspended company
        admission = _COMPANY_ADMISSION.get(entry, Admission.MEMBER)
        application = self.make(
            path,
            ApplicationSubmitted,
            subject=c.id,
            effective=c.joined,
            applicant=ApplicantKind.COMPANY,
            name=c.name,
            country=c.country,
            provides_security_services=c.provides_security_services,
            services=c.services,
            swiss_pssa=c.swiss_pssa,
        )
        self._admit(c.id, path, application, admission)
        self._certification(c)
        since = c.status_since
        ending: Event | None = None
        ground = c.status_ground if c.status_ground is not None else Ground.OTHER
        # A withheld reason (an export's marker) is no reason: the stock phrase stands in for it.
        given = c.status_reason if c.status_reason != withheld(Sensitivity.COMPANY) else None
        if c.status is CompanyStatus.SUSPENDED:
            reason = given or f"suspended, {_RECORDED}"
            ending = self.make(path, Suspended, subject=c.id, effective=since, reason=reason, ground=ground)
        elif c.status is CompanyStatus.TERMINATED:
            reason = given or f"terminated, {_RECORDED}"
            ending = self.make(path, Terminated, subject=c.id, effective=since, reason=reason, ground=ground)
        elif c.status is CompanyStatus.WITHDRAWN:
            ending = self.make(path, Withdrew, subject=c.id, effective=since, ground=ground, reason=given)
        if ending is not None:
            self.life(c.id, ending, path, _Group.STATUS)

    def _member(self, path: str, m: CivilSocietyOrganisation | Government | Observer) -> None:
        fields: dict[str, Any] = {"subject": m.id, "effective": m.joined, "name": m.name, "country": m.country}
        admission = Admission.MEMBER
        if isinstance(m, CivilSocietyOrganisation):
            fields["applicant"] = ApplicantKind.CSO
        elif isinstance(m, Government):
            fields.update(applicant=ApplicantKind.GOVERNMENT, government_kind=m.kind)
        else:
            fields.update(applicant=ApplicantKind.OTHER, observer_kind=m.kind)
            admission = Admission.OBSERVER
        self._admit(m.id, path, self.make(path, ApplicationSubmitted, **fields), admission)
        on = m.status_since if m.status_since is not None else self.as_of
        ending: Event | None = None
        if m.status is MembershipStatus.SUSPENDED:
            ending = self.make(path, Suspended, subject=m.id, effective=on, reason=f"suspended, {_RECORDED}")
        elif m.status is MembershipStatus.TERMINATED:
            ending = self.make(path, Terminated, subject=m.id, effective=on, reason=f"terminated, {_RECORDED}")
        elif m.status is MembershipStatus.WITHDRAWN:
            ending = self.make(path, Withdrew, subject=m.id, effective=on)
        if ending is not None:
            self.life(m.id, ending, path, _Group.STATUS)

    # --- certification -------------------------------------------------------------------------

    def _certification(self, c: Company) -> None:
        """The company's ICoCA certifications in grant order, then its latest other certificate
        in force (when the certification process is free to hold it)."""
        external = self.external
        mine = sorted(self.icoca_of.get(c.id, ()), key=lambda pair: (pair[1].granted, pair[1].id))
        left = c.status_since if c.status in (CompanyStatus.TERMINATED, CompanyStatus.WITHDRAWN) else None
        entry = c.suspended_from if c.status is CompanyStatus.SUSPENDED else c.status
        cursor = c.joined
        holding: str | None = None
        # Certifications are held for members: one that had lapsed by the time the company joined,
        # or that starts after it left, has no bearing on its membership and is not imported,
        # unless the document calls it certified (then the document contradicts itself).
        kept: list[tuple[int, IcocaCertification]] = []
        for k, ic in mine:
            lapse = min(ic.expires, external[ic.based_on].expires)
            if lapse > c.joined:
                kept.append((k, ic))
            elif ic.status is IcocaCertificationStatus.CERTIFIED:
                raise InvalidInput(
                    Problem(
                        f"$.icoca_certifications[{k}]",
                        f"certified, but it lapses on {lapse.isoformat()}, before {c.id!r} joined on "
                        f"{c.joined.isoformat()}; the registry certifies members only",
                    )
                )
        # Each scope (land, maritime) is certified on its own: its certifications follow each other.
        by_scope: dict[ServiceDomain, list[tuple[int, IcocaCertification]]] = {}
        for k, ic in kept:
            by_scope.setdefault(self.scope_of(external[ic.based_on]), []).append((k, ic))
        last = cursor
        for scope, chain in sorted(by_scope.items()):
            cursor = c.joined
            for n, (k, ic) in enumerate(chain):
                base = external[ic.based_on]
                if left is not None and max(base.issued, cursor) > left:
                    continue
                following = external[chain[n + 1][1].based_on].issued if n + 1 < len(chain) else None
                cursor = self._one_certification(c, k, ic, base, cursor, left, entry, following, scope)
                last = max(last, cursor)
        cursor = last
        del holding  # recording a certificate is legal whatever the certification is doing
        others = [
            (j, x)
            for j, x in self.certificates_of.get(c.id, ())
            if x.id not in self.used
            and self.standards[x.standard].recognised
            and self.bodies[x.body].accepted_for(x.standard, x.issued)
            and x.status is ExternalCertificateStatus.VALID
        ]
        # Every other certificate is recorded (a company holds any number of them), in issue
        # order, on max(issued, joined, end of its last certification), when it is still in force
        # that day: a decision as of a past date sees the certificates in force then.
        for j, x in sorted(others, key=lambda pair: (pair[1].issued, pair[1].id)):
            on = max(x.issued, c.joined, cursor)
            if on >= x.expires or on > self.as_of or (left is not None and on > left):
                continue
            event = self.make(
                f"$.certificates[{j}]", ExternalCertificateRecorded, subject=c.id, effective=on, certificate=x
            )
            self.life(c.id, event, f"$.certificates[{j}]", _Group.CERTIFICATION)
            cursor = on

    def _one_certification(
        self,
        c: Company,
        k: int,
        ic: IcocaCertification,
        base: ExternalCertificate,
        cursor: date,
        left: date | None,
        entry: CompanyStatus | None,
        following: date | None,
        scope: ServiceDomain,
    ) -> date:
        """Record the external certificate, apply, be granted (when the company's status allows
        it), then reach the certification's status. Returns the date of its last event."""
        path = f"$.icoca_certifications[{k}]"

        def add(event: Event) -> None:
            self.life(c.id, event, path, _Group.CERTIFICATION)

        recorded = max(base.issued, c.joined, cursor)
        # The certificate as it stood when recorded: its current status is the document's.
        cert = attrs.evolve(base, status=ExternalCertificateStatus.VALID)
        add(self.make(path, ExternalCertificateRecorded, subject=c.id, effective=recorded, certificate=cert))
        granted = max(ic.granted, recorded)
        # The ICoCA application needs an active company: not after it left.
        applied = granted if left is None else max(recorded, min(granted, left))
        add(self.make(path, IcocaApplicationSubmitted, subject=c.id, effective=applied, scope=scope))
        last = applied
        if _grant_shown(ic.status, entry):
            add(
                self.make(
                    path,
                    IcocaCertificationGranted,
                    subject=c.id,
                    effective=granted,
                    certification=ic.id,
                    expires=ic.expires,
                    scope=scope,
                )
            )
            last = granted
        status_change = c.status_since if c.status is not CompanyStatus.CERTIFIED_MEMBER else None
        if ic.status is IcocaCertificationStatus.EXPIRED:
            on = max(last, min(ic.expires, self.as_of))
            add(self.make(path, CertificationExpired, subject=c.id, effective=on, scope=scope))
            return on
        if ic.status is IcocaCertificationStatus.WITHDRAWN:
            candidates = [ic.expires, self.as_of]
            if status_change is not None and c.status not in _ENTRY_STATUSES and status_change >= last:
                candidates.append(status_change)
            if following is not None and following >= last:
                candidates.append(following)
            on = max(last, min(candidates))
            add(
                self.make(
                    path,
                    CertificationWithdrawn,
                    subject=c.id,
                    effective=on,
                    reason=f"withdrawn, {_RECORDED}",
                    scope=scope,
                )
            )
            return on
        if ic.status is IcocaCertificationStatus.SUSPENDED:
            on = self.as_of
            if c.status is CompanyStatus.SUSPENDED and c.status_since >= last:
                on = c.status_since
            if following is not None and following >= last:
                on = min(on, following)
            on = max(last, on)
            add(self.make(path, ExternalCertificateSuspended, subject=c.id, effective=on, certificate_id=base.id))
            return on
        return last

    # --- self-assessments ----------------------------------------------------------------------

    def _default_sent(self, sa: SelfAssessment) -> date:
        try:
            value = self.params.value("self_assessment.sent", date(sa.cycle, 1, 1))
        except InvalidInput:
            value = None
        usual = _month_day(value, sa.cycle)
        return sa.due if usual is None else min(usual, sa.due)

    def _self_assessment(self, i: int, sa: SelfAssessment) -> None:
        path = f"$.self_assessments[{i}]"
        c = self.companies[sa.company]
        if sa.sent is not None:
            sent = sa.sent
        else:
            sent = min(self._default_sent(sa), self.as_of)
            if sa.submitted is not None:
                sent = min(sent, sa.submitted)
        if sent > self.as_of:
            return  # not sent yet on the document's date: nothing has happened
        if c.status in (CompanyStatus.TERMINATED, CompanyStatus.WITHDRAWN) and sent > c.status_since:
            return  # sent after the company left: the registry sends them to members only
        sent = max(sent, c.joined)
        due = max(sa.due, sent)

        def add(build: Callable[..., Event], on: date, **fields: Any) -> None:
            event = self.make(path, build, subject=sa.company, effective=on, cycle=sa.cycle, **fields)
            self.life(sa.company, event, path, _Group.SELF_ASSESSMENT)

        add(SelfAssessmentSent, sent, due=due)
        if sa.submitted is None:
            if due < self.as_of:
                add(SelfAssessmentMissed, due + _DAY)
            return
        submitted = max(sa.submitted, sent)
        if submitted > due:
            add(SelfAssessmentMissed, due + _DAY)
        add(SelfAssessmentSubmitted, submitted)
        if sa.satisfactory is not None:
            add(SelfAssessmentRated, submitted, satisfactory=sa.satisfactory)

    # --- board ---------------------------------------------------------------------------------

    def _board(self) -> None:
        """Four seats per pillar: every director in office on ``as_of`` in one of them, and in each
        seat left vacant the latest outgoing director of its pillar whose term has ended."""
        sitting = [(i, d) for i, d in enumerate(self.doc.board.directors) if d.in_office(self.as_of)]
        outgoing = self._outgoing_directors(sitting)
        created = min((d.term_start for _, d in (*sitting, *outgoing)), default=self.as_of)
        taken: set[str] = {m.id for m in self.doc.members()}
        taken.update(x.id for x in self.doc.cases)
        taken.update(x.id for x in self.doc.complaints)
        for pillar in Pillar:
            seats: list[str] = []
            for n in range(1, SEATS_PER_PILLAR + 1):
                seat = f"seat-{pillar.value}-{n}"
                while seat in taken:
                    seat += "-board"
                taken.add(seat)
                seats.append(seat)
                event = self.make("$.board", SeatCreated, subject=seat, effective=created, pillar=pillar)
                self.board.append(self.step(event, "$.board"))
            mine = sorted(((i, d) for i, d in sitting if d.pillar is pillar), key=lambda p: (p[1].term_start, p[1].id))
            gone = sorted(((i, d) for i, d in outgoing if d.pillar is pillar), key=lambda p: (p[1].term_start, p[1].id))
            for seat, (i, d) in zip(seats, [*mine, *gone], strict=False):
                path = f"$.board.directors[{i}]"
                on = d.term_start
                steps: tuple[Event, ...] = (
                    self.make(path, NominationsOpened, subject=seat, effective=on),
                    self.make(
                        path,
                        DirectorElected,
                        subject=seat,
                        effective=on,
                        director=d.id,
                        name=d.name,
                        organisation=d.organisation,
                    ),
                    self.make(path, DirectorTookOffice, subject=seat, effective=on, term_end=d.term_end),
                )
                self.board.extend(self.step(event, path) for event in steps)
                if d.term_end <= self.as_of:
                    # The seat's term ends on its end date (rule BOARD.TERM_END derives the same
                    # when the rules run; the import records it so a registry without rules agrees).
                    self.board.append(self.step(self.make(path, TermEnded, subject=seat, effective=d.term_end), path))

    def _outgoing_directors(self, sitting: list[tuple[int, Director]]) -> list[tuple[int, Director]]:
        """For each seat of a pillar left vacant on ``as_of``, the latest director of that pillar
        whose term had ended (by term end, then term start, then id): the document does not say
        which seat a director held, so the most recent terms are taken to be the vacant seats'.
        A director whose term the Board workflow would refuse (longer than ``board.term_years``,
        or for an organisation that was not an active member of the pillar when it started) is
        left out: it cannot be the last holder of a seat in the registry's history."""
        chosen: list[tuple[int, Director]] = []
        members: dict[str, Any] = {m.id: m for m in self.doc.members()}
        for pillar in Pillar:
            vacant = SEATS_PER_PILLAR - sum(1 for _, d in sitting if d.pillar is pillar)
            past = [
                (i, d)
                for i, d in enumerate(self.doc.board.directors)
                if d.pillar is pillar and d.term_end <= self.as_of
            ]
            past.sort(key=lambda p: (p[1].term_end, p[1].term_start, p[1].id), reverse=True)
            for i, d in past:
                if vacant <= 0:
                    break
                if self._importable_term(d, members):
                    chosen.append((i, d))
                    vacant -= 1
        return chosen

    def _importable_term(self, d: Director, members: Mapping[str, Any]) -> bool:
        try:
            years = self.params.value("board.term_years", d.term_start)
        except InvalidInput:
            return False
        if not isinstance(years, int) or d.term_end > d.term_start + relativedelta(years=years):
            return False
        if d.organisation is None:
            return True
        org = members.get(d.organisation)
        if org is None or org.joined > d.term_start:
            return False
        left = org.status.value in ("terminated", "withdrawn")
        since = getattr(org, "status_since", None)
        return not (left and (since is None or since <= d.term_start))

    # --- complaints and cases ------------------------------------------------------------------

    def _not_after_as_of(self, path: str, when: date | None) -> None:
        if when is not None and when > self.as_of:
            raise InvalidInput(
                Problem(path, f"{when.isoformat()} is after the document's as_of {self.as_of.isoformat()}")
            )

    def _complaint(self, i: int, cp: Complaint) -> None:
        path = f"$.complaints[{i}]"
        self._not_after_as_of(f"{path}.closed", cp.closed)
        on = cp.received

        def add(build: Callable[..., Event], when: date = on, **fields: Any) -> None:
            self.complaints.append(self.step(self.make(path, build, subject=cp.id, effective=when, **fields), path))

        add(
            ComplaintReceived,
            company=cp.company,
            company_name=cp.company_name,
            complainant=cp.complainant,
            statement=cp.statement,
            category=cp.category,
            code_paragraphs=cp.code_paragraphs,
        )
        if cp.stage is ComplaintStage.RECEIVED:
            return
        if cp.kind is None:
            # Never classified: closed as not admissible (the model allows no route or outcome).
            assert cp.stage is ComplaintStage.CLOSED and cp.closed is not None
            add(ComplaintClosed, when=cp.closed)
            return
        add(ComplaintClassified, kind=cp.kind)
        if cp.stage is ComplaintStage.CLASSIFIED:
            return
        closing = cp.stage is ComplaintStage.CLOSED
        # A closed complaint went through a referral only if it also has an outcome: the
        # workflow closes a referred complaint once it is remedied or unresolved.
        referred = cp.route is not None and (not closing or cp.outcome is not None)
        if referred:
            add(ComplaintReferred, route=cp.route)
            if cp.outcome is ComplaintOutcome.REMEDIED:
                add(ComplaintRemedied)
            elif cp.outcome is ComplaintOutcome.UNRESOLVED:
                add(ComplaintUnresolved)
        if closing:
            reason: str | None = None
            if cp.route is not None and not referred:
                reason = f"closed after referral to {cp.route.value} without a recorded outcome, {_RECORDED}"
            elif cp.outcome is not None and not referred:
                reason = f"closed as {cp.outcome.value} without a recorded grievance route, {_RECORDED}"
            assert cp.closed is not None  # the model requires it at stage closed
            add(ComplaintClosed, when=cp.closed, reason=reason)

    def _plans_by_case(self) -> dict[str, tuple[int, CorrectiveActionPlan]]:
        plans: dict[str, tuple[int, CorrectiveActionPlan]] = {}
        stages = {case.id: case.stage for case in self.doc.cases}
        for j, plan in enumerate(self.doc.corrective_action_plans):
            path = f"$.corrective_action_plans[{j}]"
            if plan.case in plans:
                raise InvalidInput(
                    Problem(
                        f"{path}.case",
                        f"case {plan.case!r} already has plan {plans[plan.case][1].id!r}; "
                        "a case carries one corrective action plan",
                    )
                )
            if stages[plan.case] not in _PLAN_STAGES:
                raise InvalidInput(
                    Problem(
                        f"{path}.case",
                        f"case {plan.case!r} is at stage {stages[plan.case].value}, which is not reached through "
                        "corrective action (corrective_action, implemented or suspension_proceedings)",
                    )
                )
            self._not_after_as_of(f"{path}.recommended", plan.recommended)
            plans[plan.case] = (j, plan)
        return plans

    def _case(self, i: int, case: ComplianceCase, planned: tuple[int, CorrectiveActionPlan] | None) -> None:
        path = f"$.cases[{i}]"
        self._not_after_as_of(f"{path}.closed", case.closed)
        opened = case.opened

        def add(build: Callable[..., Event], on: date, where: str = path, **fields: Any) -> None:
            self.cases.append(self.step(self.make(where, build, subject=case.id, effective=on, **fields), where))

        add(
            CaseOpened,
            opened,
            company=case.company,
            source=case.source,
            category=case.category,
            code_paragraphs=case.code_paragraphs,
            severity=case.severity,
            complaint=case.complaint,
        )
        stage = case.stage
        if stage is CaseStage.CONCERN:
            return
        if stage is CaseStage.RESOLVED:
            assert case.closed is not None
            add(CaseResolved, case.closed)
            return
        add(DialogueOpened, opened)
        if stage is CaseStage.DIALOGUE:
            return
        add(ReferredToBoard, opened)
        if stage is CaseStage.REFERRED_TO_BOARD:
            return
        # Corrective action: the document's plan, or (none recorded) one named after the case
        # whose deadline is the next step's date (the document's date while still open).
        next_step = case.closed if case.closed is not None else self.as_of
        if stage is CaseStage.SUSPENSION_PROCEEDINGS and planned is None:
            next_step = opened
        if planned is not None:
            j, plan = planned
            where = f"$.corrective_action_plans[{j}]"
            recommended, deadline, actions, plan_id = plan.recommended, plan.deadline, plan.actions, plan.id
        else:
            where = path
            recommended, deadline, actions, plan_id = opened, next_step, (), PlanId(f"{case.id}/plan")
        add(
            CorrectiveActionRecommended,
            recommended,
            where=where,
            plan=plan_id,
            deadline=deadline,
            actions=actions,
        )
        if stage is CaseStage.IMPLEMENTED:
            assert case.closed is not None
            if case.closed < recommended:
                raise InvalidInput(
                    Problem(
                        f"{path}.closed",
                        f"the case closed as implemented on {case.closed.isoformat()}, before its corrective "
                        f"action plan was recommended ({recommended.isoformat()})",
                    )
                )
            add(CorrectiveActionVerified, case.closed)
        elif stage is CaseStage.SUSPENSION_PROCEEDINGS:
            on = max(recommended, min(deadline + _DAY, self.as_of)) if planned is not None else opened
            add(SuspensionProceedingsOpened, on, reason=f"suspension proceedings, {_RECORDED}")


_ENTRY_STATUSES = (
    CompanyStatus.MEMBER,
    CompanyStatus.TRANSITIONAL_MEMBER,
    CompanyStatus.AFFILIATE,
    CompanyStatus.CERTIFIED_MEMBER,
)
_PLAN_STAGES = (CaseStage.CORRECTIVE_ACTION, CaseStage.IMPLEMENTED, CaseStage.SUSPENSION_PROCEEDINGS)


def _grant_shown(status: IcocaCertificationStatus, entry: CompanyStatus | None) -> bool:
    """Whether the import shows an ICoCA certification being granted.

    A grant makes a member, transitional member or affiliate a certified member; a lapse or
    withdrawal makes it a member again, and a suspension leaves it certified. So a certification
    that is no longer in force is shown granted only when that path ends in the company's own
    status; otherwise the import records the application and the certification's end without the
    grant (the company's status is the document's, and wins).
    """
    if status is IcocaCertificationStatus.CERTIFIED:
        return True
    if entry in (None, CompanyStatus.CERTIFIED_MEMBER, CompanyStatus.TERMINATED, CompanyStatus.WITHDRAWN):
        return True
    if entry is CompanyStatus.MEMBER:
        return status in (IcocaCertificationStatus.EXPIRED, IcocaCertificationStatus.WITHDRAWN)
    return False


def _non_company_members(
    doc: RegistryDocument,
) -> Iterator[tuple[str, CivilSocietyOrganisation | Government | Observer]]:
    """CSOs, governments and observers, each with its path in the document."""
    for i, cso in enumerate(doc.civil_society):
        yield f"$.civil_society[{i}]", cso
    for i, gov in enumerate(doc.governments):
        yield f"$.governments[{i}]", gov
    for i, obs in enumerate(doc.observers):
        yield f"$.observers[{i}]", obs


def _plan(doc: RegistryDocument, parameters: ParameterSet) -> list[_Step]:
    if not isinstance(doc, RegistryDocument):
        raise InvalidInput(Problem("$", f"expected a RegistryDocument, got {type(doc).__name__}"))
    return _Planner(doc, parameters).plan()


def events_from_document(doc: RegistryDocument, *, parameters: ParameterSet = DEFAULT_PARAMETERS) -> list[Event]:
    """The events that lead to ``doc``, in the order they are applied (each subject's in date
    order). ``parameters`` supply the usual self-assessment dispatch date when one is missing."""
    return [s.event for s in _plan(doc, parameters)]


def import_document(doc: RegistryDocument, **config: Any) -> Registry:
    """A live registry whose history leads to ``doc``; ``config`` is passed to
    :class:`~icoc.registry.Registry` (rules, parameters, backend).

    Raises InvalidInput naming the document record when the workflows refuse its history or the
    result does not match the document.
    """
    from icoc.registry import Registry

    settings: dict[str, Any] = {"standards": doc.standards, "certification_bodies": doc.certification_bodies}
    for name in settings:
        if name in config:  # the document's own list decides; a second one would contradict it
            raise InvalidInput(
                Problem(
                    name,
                    f"a registry document carries its own {name}: put yours in the document "
                    f"(attrs.evolve(doc, {name}=...)) rather than passing them to from_document",
                )
            )
    parameters: ParameterSet = config.get("parameters", DEFAULT_PARAMETERS)
    steps = _plan(doc, parameters)
    reg = Registry(**settings, **config)
    reg._veto = _Veto(doc, [s.event for s in steps]).check
    reg._loading = True
    try:
        # One by one (the plan is in date order, as a batch would be applied) so that a refusal,
        # by a workflow or by the rules judging deadlines on the way, names its record.
        for s in steps:
            try:
                reg.submit(s.event)
            except IllegalTransition as exc:
                raise InvalidInput(Problem(s.path, _refusal(s.event, exc))) from None
            except UnknownMember as exc:
                raise InvalidInput(
                    Problem(s.path, f"{s.event.TYPE} on {s.event.effective.isoformat()}: {exc}")
                ) from None
            except RuleError as exc:
                raise InvalidInput(
                    Problem(
                        s.path,
                        f"the rules judging the deadlines due by {s.event.effective.isoformat()} failed: {exc}",
                    )
                ) from None
            except InvalidInput as exc:
                raise exc.under(s.path) from None
        problems = list(_mismatches(reg, doc))
        if problems:
            raise InvalidInput(problems)
    except BaseException:
        reg.close()
        raise
    finally:
        reg._veto = None
        reg._loading = False
    return reg


class _Veto:
    """A document is a snapshot of reality: a rule never overwrites the state it records.

    A derived event that would move a member, case or complaint to a state other than the one the
    document records, on or after the date it records it from, is kept out; the registry lists it
    as a discrepancy (what the rule expected, what the document says)."""

    def __init__(self, doc: RegistryDocument, planned: Sequence[Event]) -> None:
        # What the document's own records do: a rule deriving the same is not contradicting it.
        self.planned = {(type(e), e.subject, e.key, e.effective) for e in planned}
        self.expected: dict[str, tuple[str, date, str]] = {}
        self.suspended_from: dict[str, str] = {}
        for i, c in enumerate(doc.companies):
            self.expected[c.id] = (c.status.value, c.status_since or c.joined, f"$.companies[{i}].status")
            if c.suspended_from is not None:
                self.suspended_from[c.id] = c.suspended_from.value
        for path, m in _non_company_members(doc):
            self.expected[m.id] = (m.status.value, m.status_since or m.joined, f"{path}.status")
        for i, case in enumerate(doc.cases):
            self.expected[case.id] = (case.stage.value, case.opened, f"$.cases[{i}].stage")
        for i, cp in enumerate(doc.complaints):
            self.expected[cp.id] = (cp.stage.value, cp.received, f"$.complaints[{i}].stage")

    def check(self, event: Event, changes: Sequence[tuple[str, str, Any]]) -> str | None:
        known = self.expected.get(event.subject)
        if known is None or (type(event), event.subject, event.key, event.effective) in self.planned:
            return None
        state, since, path = known
        for process, key, inst in changes:
            if key != event.subject or process not in _MAIN_PROCESSES:
                continue
            if inst.state != state and event.effective >= since:
                return f"{event.TYPE} ({process} {inst.state})|{state} since {since.isoformat()}|{path}"
            before = self.suspended_from.get(event.subject)
            if before is not None and inst.state == "suspended" and inst.previous != before:
                # A lapse during the suspension: the document records the status suspended from.
                return (
                    f"{event.TYPE} (suspended from {inst.previous})|suspended from {before}|"
                    f"{path.rsplit('.', 1)[0]}.suspended_from"
                )
            # Before a suspension the document records the status suspended from: a move to
            # affiliate it does not record is not the document's reality either.
            before = self.suspended_from.get(event.subject)
            if before is not None and inst.state == "affiliate" and before != "affiliate":
                return (
                    f"{event.TYPE} ({process} {inst.state})|{before} until suspended on {since.isoformat()}|"
                    f"{path.rsplit('.', 1)[0]}.suspended_from"
                )
        return None


_MAIN_PROCESSES = frozenset({"company-status", "member-status", "membership", "compliance-case", "complaint"})


def _refusal(event: Event, exc: IllegalTransition) -> str:
    where = exc.state if exc.state is not None else "(no state)"
    return (
        f"{exc.event} on {event.effective.isoformat()} for {exc.subject!r} refused by the {exc.process} "
        f"workflow in state {where}: {exc.reason}"
    )


def _mismatches(reg: Registry, doc: RegistryDocument) -> Iterator[Problem]:
    """Where the imported registry does not stand where the document says."""

    def differs(path: str, subject: str, expected: str) -> Iterator[Problem]:
        actual = reg.state_of(subject)
        if actual != expected:
            yield Problem(path, f"its records lead the registry to {actual!r}, not the document's {expected!r}")

    for i, c in enumerate(doc.companies):
        yield from differs(f"$.companies[{i}].status", c.id, c.status.value)
        if c.suspended_from is not None:
            inst = reg.instance("company-status", c.id)
            before = inst.previous if inst is not None else None
            if before != c.suspended_from.value:
                yield Problem(
                    f"$.companies[{i}].suspended_from",
                    f"its records make it {before!r} when suspended on {c.status_since.isoformat()}, "
                    f"not the document's {c.suspended_from.value!r} (a company becomes a certified member "
                    "only by an ICoCA certification granted before)",
                )
    for path, m in _non_company_members(doc):
        yield from differs(f"{path}.status", m.id, m.status.value)
    for i, case in enumerate(doc.cases):
        yield from differs(f"$.cases[{i}].stage", case.id, case.stage.value)
    for i, cp in enumerate(doc.complaints):
        yield from differs(f"$.complaints[{i}].stage", cp.id, cp.stage.value)
