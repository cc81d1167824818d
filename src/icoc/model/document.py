"""The registry document: everything known about the Association on one date.

It is what ``icoc sample`` prints, what ``icoc schema`` describes and what users load from a
file. Construction checks every cross-reference and reports all problems at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date
from itertools import pairwise
from typing import Any

import attrs

from icoc.errors import InvalidInput, Problem, UnknownMember
from icoc.model import validators as v
from icoc.model.certificates import (
    ExternalCertificate,
    ExternalCertificateStatus,
    IcocaCertification,
    IcocaCertificationStatus,
)
from icoc.model.complaints import Complaint
from icoc.model.fees import FeeSchedule, Payment
from icoc.model.governance import Board
from icoc.model.ids import CertificateId
from icoc.model.listed import ListedFact, UnregisteredCompany
from icoc.model.members import (
    CivilSocietyOrganisation,
    Company,
    CompanyStatus,
    Government,
    Member,
    Observer,
    ServiceDomain,
)
from icoc.model.monitoring import ComplianceCase, CorrectiveActionPlan, SelfAssessment
from icoc.model.standards import DEFAULT_STANDARDS, CertificationBody, Standard

__all__ = ["FORMAT_VERSION", "RegistryDocument"]

FORMAT_VERSION = 1
"""The version of the registry document format this library writes and reads."""


def _tuple(item: type) -> Any:
    return attrs.field(default=(), validator=v.tuple_of(item))


@attrs.frozen(kw_only=True)
class RegistryDocument:
    """A snapshot of the registry as of one date, with every reference checked."""

    as_of: date = attrs.field(validator=v.a_date)
    format_version: int = attrs.field(default=FORMAT_VERSION, validator=v.int_range(1, FORMAT_VERSION))
    companies: tuple[Company, ...] = _tuple(Company)
    civil_society: tuple[CivilSocietyOrganisation, ...] = _tuple(CivilSocietyOrganisation)
    governments: tuple[Government, ...] = _tuple(Government)
    observers: tuple[Observer, ...] = _tuple(Observer)
    # A factory, not the tuple itself, so signatures show a short default instead of the catalogue.
    standards: tuple[Standard, ...] = attrs.field(factory=lambda: DEFAULT_STANDARDS, validator=v.tuple_of(Standard))
    certification_bodies: tuple[CertificationBody, ...] = _tuple(CertificationBody)
    certificates: tuple[ExternalCertificate, ...] = _tuple(ExternalCertificate)
    icoca_certifications: tuple[IcocaCertification, ...] = _tuple(IcocaCertification)
    self_assessments: tuple[SelfAssessment, ...] = _tuple(SelfAssessment)
    cases: tuple[ComplianceCase, ...] = _tuple(ComplianceCase)
    corrective_action_plans: tuple[CorrectiveActionPlan, ...] = _tuple(CorrectiveActionPlan)
    complaints: tuple[Complaint, ...] = _tuple(Complaint)
    board: Board = attrs.field(factory=Board, validator=v.typed(Board))
    fees: FeeSchedule = attrs.field(factory=FeeSchedule, validator=v.typed(FeeSchedule))
    payments: tuple[Payment, ...] = _tuple(Payment)
    listed: tuple[ListedFact, ...] = _tuple(ListedFact)
    """Facts a bidder list leaves unknown or states without a record (see :mod:`icoc.model.listed`)."""
    unregistered: tuple[UnregisteredCompany, ...] = _tuple(UnregisteredCompany)
    """Companies a bidder list names that the register cannot hold (not members, or incomplete)."""

    def __attrs_post_init__(self) -> None:
        problems = list(_cross_check(self))
        if problems:
            raise InvalidInput(problems)

    def members(self) -> Iterator[Member]:
        """Every member, affiliate and observer, pillar by pillar."""
        yield from self.companies
        yield from self.civil_society
        yield from self.governments
        yield from self.observers

    def member(self, member_id: str) -> Member:
        for m in self.members():
            if m.id == member_id:
                return m
        raise UnknownMember(member_id, "registry document")


def _one_per_scope(
    doc: RegistryDocument,
    external: Mapping[CertificateId, ExternalCertificate],
    standards: Mapping[str, Standard],
    problem: Callable[[str, str], Problem],
) -> Iterator[Problem]:
    """A company holds one ICoCA certification at a time in each scope (land, maritime): a later
    one is granted when the earlier one has ended (a withdrawn one ends when the next starts)."""
    chains: dict[tuple[str, ServiceDomain], list[tuple[int, IcocaCertification, date]]] = {}
    for i, ic in enumerate(doc.icoca_certifications):
        base = external.get(ic.based_on)
        if base is None:
            continue
        std = standards.get(base.standard)
        scope = std.scope if std is not None else ServiceDomain.LAND
        lapse = min(ic.expires, base.expires)
        chains.setdefault((ic.company, scope), []).append((i, ic, lapse))
    for (company, scope), chain in chains.items():
        chain.sort(key=lambda t: (t[1].granted, t[1].id))
        for (j, earlier, lapse), (i, later, _) in pairwise(chain):
            if earlier.status is IcocaCertificationStatus.CERTIFIED and later.granted >= lapse:
                yield problem(
                    f"icoca_certifications[{j}].status",
                    f"certified, but it ended on {lapse.isoformat()} and {company}'s {scope.value} certification "
                    f"{later.id!r} (icoca_certifications[{i}]) followed it on {later.granted.isoformat()}: record it "
                    "as expired or withdrawn",
                )
                continue
            if earlier.status is IcocaCertificationStatus.WITHDRAWN or later.granted >= lapse:
                continue
            yield problem(
                f"icoca_certifications[{i}].granted",
                f"{later.id!r} is granted on {later.granted.isoformat()} while {company}'s {scope.value} "
                f"certification {earlier.id!r} (icoca_certifications[{j}], {earlier.status.value}) runs to "
                f"{lapse.isoformat()}; a company holds one ICoCA certification at a time in each scope "
                "(mark the earlier one withdrawn, or date the later one after it)",
            )


def _cross_check(doc: RegistryDocument) -> Iterator[Problem]:
    here = "RegistryDocument"

    def problem(path: str, message: str) -> Problem:
        return Problem(f"{here}.{path}", message)

    def after_as_of(path: str, when: date, what: str) -> Iterator[Problem]:
        if when > doc.as_of:
            yield problem(path, f"{what} {when.isoformat()} is after the document's as_of {doc.as_of.isoformat()}")

    members: dict[str, Member] = {}
    for field in ("companies", "civil_society", "governments", "observers"):
        for i, m in enumerate(getattr(doc, field)):
            if m.id in members:
                yield problem(f"{field}[{i}].id", f"duplicate member id {m.id!r}")
            members[m.id] = m
            yield from after_as_of(f"{field}[{i}].joined", m.joined, "joined")
            since = getattr(m, "status_since", None)
            if since is not None:
                yield from after_as_of(f"{field}[{i}].status_since", since, "status_since")
    companies = {c.id: c for c in doc.companies}

    def unique_ids(field: str, items: tuple[Any, ...]) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        for i, x in enumerate(items):
            if x.id in seen:
                problems.append(problem(f"{field}[{i}].id", f"duplicate id {x.id!r}"))
            seen[x.id] = x
        return seen

    problems: list[Problem] = []
    # Members, cases and complaints are all subjects of events: one id space.
    for field in ("cases", "complaints"):
        for i, x in enumerate(getattr(doc, field)):
            if x.id in members:
                problems.append(problem(f"{field}[{i}].id", f"id {x.id!r} is already a member's id"))
    case_ids: set[str] = {c.id for c in doc.cases}
    for i, x in enumerate(doc.complaints):
        if x.id in case_ids:
            problems.append(problem(f"complaints[{i}].id", f"id {x.id!r} is already a case's id"))
    standards = unique_ids("standards", doc.standards)
    bodies = unique_ids("certification_bodies", doc.certification_bodies)
    unique_ids("certificates", doc.certificates)
    unique_ids("icoca_certifications", doc.icoca_certifications)
    cases = unique_ids("cases", doc.cases)
    unique_ids("corrective_action_plans", doc.corrective_action_plans)
    complaints = unique_ids("complaints", doc.complaints)
    yield from problems

    def company_ref(path: str, company: str) -> Iterator[Problem]:
        if company not in companies:
            yield problem(path, f"no company with id {company!r}")

    external = {c.id: c for c in doc.certificates}
    for i, cert in enumerate(doc.certificates):
        yield from company_ref(f"certificates[{i}].company", cert.company)
        if cert.standard not in standards:
            yield problem(f"certificates[{i}].standard", f"unknown standard {cert.standard!r}")
        if cert.body not in bodies:
            yield problem(f"certificates[{i}].body", f"no certification body with id {cert.body!r}")
        yield from after_as_of(f"certificates[{i}].issued", cert.issued, "issued")

    certified_companies: set[str] = set()
    in_force: set[str] = set()
    for i, ic in enumerate(doc.icoca_certifications):
        path = f"icoca_certifications[{i}]"
        yield from company_ref(f"{path}.company", ic.company)
        yield from after_as_of(f"{path}.granted", ic.granted, "granted")
        base = external.get(ic.based_on)
        if base is None:
            yield problem(f"{path}.based_on", f"no external certificate with id {ic.based_on!r}")
            continue
        if base.company != ic.company:
            yield problem(
                f"{path}.based_on", f"certificate {base.id!r} belongs to {base.company!r}, not {ic.company!r}"
            )
        std = standards.get(base.standard)
        if std is not None and not std.recognised:
            yield problem(
                f"{path}.based_on",
                f"certificate {base.id!r} is to {std.id}, which ICoCA does not recognise for certification",
            )
        body = bodies.get(base.body)
        refusal = body.refusal(base.standard, base.issued) if body is not None else None
        if refusal is not None:
            yield problem(
                f"{path}.based_on",
                f"certificate {base.id!r} issued {base.issued.isoformat()} cannot support ICoCA certification: "
                f"{refusal}",
            )
        if ic.granted < base.issued:
            yield problem(f"{path}.granted", f"granted before the external certificate {base.id!r} was issued")
        # The body's suspension suspends, its withdrawal withdraws, the certification resting on it.
        if base.status is not ExternalCertificateStatus.VALID and (
            ic.status is IcocaCertificationStatus.CERTIFIED
            or (ic.status is IcocaCertificationStatus.SUSPENDED and base.status is ExternalCertificateStatus.WITHDRAWN)
        ):
            yield problem(
                f"{path}.status",
                f"{ic.status.value}, but the certificate {base.id!r} it rests on is {base.status.value} by its "
                f"body; an ICoCA certification is suspended or withdrawn with its certificate",
            )
        if ic.status is IcocaCertificationStatus.CERTIFIED:
            certified_companies.add(ic.company)
            if ic.in_force(doc.as_of) or ic.granted > doc.as_of:  # the latter: reported as after as_of
                in_force.add(ic.company)

    yield from _one_per_scope(doc, external, standards, problem)

    for i, c in enumerate(doc.companies):
        if c.status is CompanyStatus.CERTIFIED_MEMBER and c.id not in certified_companies:
            yield problem(
                f"companies[{i}].status", f"{c.id!r} is a certified member without a certified ICoCA certification"
            )
        elif c.status is CompanyStatus.CERTIFIED_MEMBER and c.id not in in_force:
            yield problem(
                f"companies[{i}].status",
                f"{c.id!r} is a certified member, but no ICoCA certification of it is in force on "
                f"{doc.as_of.isoformat()} (the document's own dates: it expired before)",
            )

    cycles: set[tuple[str, int]] = set()
    for i, sa in enumerate(doc.self_assessments):
        yield from company_ref(f"self_assessments[{i}].company", sa.company)
        if (sa.company, sa.cycle) in cycles:
            yield problem(f"self_assessments[{i}].cycle", f"a second assessment for {sa.company!r} in cycle {sa.cycle}")
        cycles.add((sa.company, sa.cycle))
        if sa.submitted is not None:
            yield from after_as_of(f"self_assessments[{i}].submitted", sa.submitted, "submitted")

    for i, case in enumerate(doc.cases):
        yield from company_ref(f"cases[{i}].company", case.company)
        yield from after_as_of(f"cases[{i}].opened", case.opened, "opened")
        if case.complaint is not None and case.complaint not in complaints:
            yield problem(f"cases[{i}].complaint", f"no complaint with id {case.complaint!r}")
        elif case.complaint is not None and complaints[case.complaint].company is None:
            yield problem(
                f"cases[{i}].complaint",
                f"complaint {case.complaint!r} names no company on record; it is never linked to a compliance case",
            )

    for i, plan in enumerate(doc.corrective_action_plans):
        plan_case = cases.get(plan.case)
        if plan_case is None:
            yield problem(f"corrective_action_plans[{i}].case", f"no compliance case with id {plan.case!r}")
        elif plan_case.company != plan.company:
            yield problem(
                f"corrective_action_plans[{i}].company",
                f"case {plan_case.id!r} concerns {plan_case.company!r}, not {plan.company!r}",
            )
        elif plan.recommended < plan_case.opened:
            yield problem(f"corrective_action_plans[{i}].recommended", f"before case {plan_case.id!r} was opened")

    for i, cp in enumerate(doc.complaints):
        if cp.company is not None:
            yield from company_ref(f"complaints[{i}].company", cp.company)
        yield from after_as_of(f"complaints[{i}].received", cp.received, "received")
        if cp.compliance_case is not None:
            linked = cases.get(cp.compliance_case)
            if linked is None:
                yield problem(f"complaints[{i}].compliance_case", f"no compliance case with id {cp.compliance_case!r}")
            elif linked.company != cp.company:
                yield problem(
                    f"complaints[{i}].compliance_case",
                    f"case {linked.id!r} concerns {linked.company!r}, not {cp.company!r}",
                )

    for i, d in enumerate(doc.board.directors):
        if d.organisation is not None:
            org = members.get(d.organisation)
            if org is None:
                yield problem(f"board.directors[{i}].organisation", f"no member with id {d.organisation!r}")
            elif org.pillar is not d.pillar:
                yield problem(
                    f"board.directors[{i}].pillar",
                    f"{d.organisation!r} belongs to pillar {org.pillar}, not {d.pillar.value}",
                )

    outside: set[str] = set()
    for i, u in enumerate(doc.unregistered):
        if u.id in members or u.id in outside:
            yield problem(f"unregistered[{i}].id", f"duplicate member id {u.id!r}")
        outside.add(u.id)
    for i, fact in enumerate(doc.listed):
        if fact.subject not in companies and fact.subject not in outside:
            yield problem(f"listed[{i}].subject", f"no company with id {fact.subject!r}")

    for i, pay in enumerate(doc.payments):
        if pay.member not in members:
            yield problem(f"payments[{i}].member", f"no member with id {pay.member!r}")
        yield from after_as_of(f"payments[{i}].paid", pay.paid, "paid")
