"""Strategies for whole registry documents (members, certificates, cases, complaints and Board
consistent with each other as of one date) and the facts a document lists."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import attrs
from hypothesis import strategies as st

from icoc.model import (
    DEFAULT_STANDARDS,
    ISO_9001,
    LISTED_FIELDS,
    CaseId,
    CertificateId,
    CertificationBodyId,
    CompanyStatus,
    Complaint,
    ComplaintId,
    ComplianceCase,
    CorrectiveActionPlan,
    ExternalCertificate,
    ExternalCertificateStatus,
    FindingSource,
    IcocaCertification,
    IcocaCertificationStatus,
    ListedFact,
    Member,
    MemberId,
    Pillar,
    PlanId,
    RegistryDocument,
    SelfAssessment,
    StandardId,
    UnregisteredCompany,
)
from icoc.testing._basics import (
    _BOARD_STAGES,
    _DAY,
    _TEXT,
    _YEAR,
    MAX_DATE,
    MIN_DATE,
    _day,
    _enum,
    _fresh,
    _maybe,
    countries,
    member_ids,
)
from icoc.testing._certification import certification_bodies, external_certificates, icoca_certifications, standards
from icoc.testing._governance import boards, fee_schedules, payments
from icoc.testing._members import civil_society_organisations, companies, governments, observers
from icoc.testing._monitoring import complaints, compliance_cases, corrective_action_plans, self_assessments

__all__ = ["listed_facts", "registries", "unregistered_companies"]

# --- registry documents ------------------------------------------------------------------------


@st.composite
def registries(draw: st.DrawFn, *, max_companies: int = 5, as_of: date | None = None) -> RegistryDocument:
    """A registry document whose every cross-reference holds (see ``_cross_check``), with at
    most ``max_companies`` companies and every recorded date on or before ``as_of`` (drawn when
    not given).

    Shrinks towards no members, and towards only the standards and certification bodies its
    certificates name. Built company by company: each one's certificates, ICoCA certifications, self-assessments,
    cases, plans and complaints point at it, and every recorded date is on or before ``as_of``.
    """
    as_of = as_of if as_of is not None else _day(draw, MIN_DATE, MAX_DATE)
    # Standards and bodies no certificate names are kept only when this says so: it shrinks to
    # False, so a shrunk registry holds only what its failure needs.
    keep_unused = draw(st.booleans())
    members: set[str] = set()

    def new_member() -> MemberId:
        return MemberId(_fresh(draw, members))

    bodies_used: set[str] = set()
    # Mostly one accepted body at least, so certified members are common; sometimes none at all.
    bodies = [
        draw(
            certification_bodies(
                id=CertificationBodyId(_fresh(draw, bodies_used)),
                accepted=draw(st.sampled_from((True, True, False)) if i == 0 else st.booleans()),
            )
        )
        for i in range(draw(st.integers(0, 3)))
    ]
    standards_used: set[str] = {s.id for s in DEFAULT_STANDARDS}
    extra = [
        draw(standards(id=StandardId(_fresh(draw, standards_used)), as_of=as_of))
        for _ in range(draw(st.integers(0, 1)))
    ]
    all_standards = (*DEFAULT_STANDARDS, *extra)
    recognised = [s.id for s in all_standards if s.recognised]
    accepted = [b.id for b in bodies if b.accepted]
    statuses = [s for s in CompanyStatus if accepted or s is not CompanyStatus.CERTIFIED_MEMBER]

    company_list = [
        draw(companies(id=new_member(), status=draw(st.sampled_from(statuses)), as_of=as_of))
        for _ in range(draw(st.integers(0, max_companies)))
    ]
    csos = [draw(civil_society_organisations(id=new_member(), as_of=as_of)) for _ in range(draw(st.integers(0, 3)))]
    govs = [draw(governments(id=new_member(), as_of=as_of)) for _ in range(draw(st.integers(0, 3)))]
    obs = [draw(observers(id=new_member(), as_of=as_of)) for _ in range(draw(st.integers(0, 2)))]

    cert_ids: set[str] = set()
    # Cases and complaints are subjects of events too: they share the members' id space.
    case_ids = members
    plan_ids: set[str] = set()
    complaint_ids = members

    def cert_id() -> CertificateId:
        return CertificateId(_fresh(draw, cert_ids))

    certificates: list[ExternalCertificate] = []
    icoca: list[IcocaCertification] = []
    assessments: list[SelfAssessment] = []
    cases: list[ComplianceCase] = []
    plans: list[CorrectiveActionPlan] = []
    complaint_list: list[Complaint] = []
    not_certified = [s for s in IcocaCertificationStatus if s is not IcocaCertificationStatus.CERTIFIED]

    for c in company_list:
        must_certify = c.status is CompanyStatus.CERTIFIED_MEMBER
        may_certify = must_certify or c.suspended_from is CompanyStatus.CERTIFIED_MEMBER
        # A qualifying certificate: recognised standard, accepted body (what Art. 11 builds on).
        if accepted and (must_certify or draw(st.booleans())):
            base = draw(
                external_certificates(
                    id=cert_id(),
                    company=c.id,
                    standard=draw(st.sampled_from(recognised)),
                    body=draw(st.sampled_from(accepted)),
                    as_of=as_of,
                )
            )
            if must_certify and base.expires <= as_of:
                # A certified member's certification is in force on the document's date.
                base = attrs.evolve(base, expires=_day(draw, as_of + _DAY, as_of + _YEAR))
            certificates.append(base)
            if must_certify or draw(st.booleans()):
                if must_certify:
                    status = IcocaCertificationStatus.CERTIFIED
                else:
                    status = draw(st.sampled_from(list(IcocaCertificationStatus) if may_certify else not_certified))
                # A certification in force rests on a valid certificate; a suspended one on one not withdrawn.
                if status is IcocaCertificationStatus.CERTIFIED or (
                    status is IcocaCertificationStatus.SUSPENDED and base.status is ExternalCertificateStatus.WITHDRAWN
                ):
                    certificates[-1] = base = attrs.evolve(base, status=ExternalCertificateStatus.VALID)
                certified = status is IcocaCertificationStatus.CERTIFIED
                if certified and base.expires <= as_of:
                    # A certification recorded as certified is in force on the document's date.
                    certificates[-1] = base = attrs.evolve(base, expires=_day(draw, as_of + _DAY, as_of + _YEAR))
                icoca.append(
                    draw(
                        icoca_certifications(
                            id=cert_id(),
                            based_on=base,
                            status=status,
                            as_of=as_of,
                            in_force_on=as_of if certified else None,
                        )
                    )
                )
        if bodies:  # any other certificate, e.g. ISO 9001 or from a body ICoCA does not accept
            for _ in range(draw(st.integers(0, 1))):
                certificates.append(
                    draw(
                        external_certificates(
                            id=cert_id(),
                            company=c.id,
                            standard=draw(st.sampled_from([ISO_9001.id, *(s.id for s in all_standards)])),
                            body=draw(st.sampled_from([b.id for b in bodies])),
                            as_of=as_of,
                        )
                    )
                )

        cycles = draw(st.lists(st.integers(max(MIN_DATE.year, c.joined.year), as_of.year), unique=True, max_size=2))
        assessments.extend(draw(self_assessments(company=c.id, cycle=y, as_of=as_of)) for y in cycles)

        company_cases: list[ComplianceCase] = []
        for _ in range(draw(st.integers(0, 2))):
            source = draw(st.sampled_from([s for s in FindingSource if s is not FindingSource.COMPLAINT]))
            company_cases.append(
                draw(
                    compliance_cases(
                        id=CaseId(_fresh(draw, case_ids)),
                        company=c.id,
                        source=source,
                        not_before=c.joined,
                        as_of=as_of,
                    )
                )
            )
        for _ in range(draw(st.integers(0, 2))):
            complaint = draw(
                complaints(
                    id=ComplaintId(_fresh(draw, complaint_ids)),
                    company=c.id,
                    not_before=c.joined,
                    as_of=as_of,
                )
            )
            linked: CaseId | None = None
            if draw(st.booleans()):  # compliance-relevant: it opens a case that names it back
                case = draw(
                    compliance_cases(
                        id=CaseId(_fresh(draw, case_ids)),
                        company=c.id,
                        complaint=complaint.id,
                        not_before=complaint.received,
                        as_of=as_of,
                    )
                )
                company_cases.append(case)
                linked = case.id
            complaint_list.append(attrs.evolve(complaint, compliance_case=linked))
        for case in company_cases:
            if case.stage in _BOARD_STAGES and draw(st.booleans()):
                plans.append(draw(corrective_action_plans(id=PlanId(_fresh(draw, plan_ids)), case=case, as_of=as_of)))
        cases.extend(company_cases)

    organisations: dict[Pillar, Sequence[MemberId]] = {
        Pillar.PSC: [c.id for c in company_list],
        Pillar.CSO: [c.id for c in csos],
        Pillar.GOVERNMENT: [g.id for g in govs],
    }
    everyone: list[Member] = [*company_list, *csos, *govs, *obs]
    paid = [
        draw(payments(member=m.id, not_before=m.joined, as_of=as_of))
        for m in everyone
        for _ in range(draw(st.integers(0, 1)))
    ]
    if not keep_unused:
        named_standards = {c.standard for c in certificates}
        named_bodies = {c.body for c in certificates}
        all_standards = tuple(s for s in all_standards if s.id in named_standards)
        bodies = [b for b in bodies if b.id in named_bodies]
    return RegistryDocument(
        as_of=as_of,
        companies=tuple(company_list),
        civil_society=tuple(csos),
        governments=tuple(govs),
        observers=tuple(obs),
        standards=all_standards,
        certification_bodies=tuple(bodies),
        certificates=tuple(certificates),
        icoca_certifications=tuple(icoca),
        self_assessments=tuple(assessments),
        cases=tuple(cases),
        corrective_action_plans=tuple(plans),
        complaints=tuple(complaint_list),
        board=draw(boards(organisations=organisations, on=as_of, as_of=as_of)),
        fees=draw(fee_schedules()),
        payments=tuple(paid),
    )


@st.composite
def listed_facts(draw: st.DrawFn, *, subject: MemberId | None = None) -> ListedFact:
    """A fact as a bidder list gives it: unknown (``value`` None) or a statement it may make."""
    field = draw(st.sampled_from(sorted(LISTED_FIELDS)))
    allowed = sorted(LISTED_FIELDS[field] or ())
    value = draw(st.none() | st.sampled_from(allowed)) if allowed else None
    return ListedFact(
        subject=subject if subject is not None else draw(member_ids()),
        field=field,
        value=value,
        where=draw(st.just("") | st.from_regex(r"\Abidders\.csv:row [1-9][0-9]?:[a-z ]{1,12}\Z")),
    )


@st.composite
def unregistered_companies(draw: st.DrawFn, *, id: MemberId | None = None) -> UnregisteredCompany:
    """A company a bidder list names that the register cannot hold."""
    not_member = draw(st.booleans())
    return UnregisteredCompany(
        id=id if id is not None else draw(member_ids()),
        name=draw(_TEXT),
        country=draw(_maybe(countries())),
        status=None if not_member else draw(_maybe(_enum(CompanyStatus))),
        not_a_member=not_member,
    )
