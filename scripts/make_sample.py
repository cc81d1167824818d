#!/usr/bin/env python3
"""Build the built-in sample registry, ``src/icoc/sample/registry.json``, deterministically.

Everything in it is fictional: company, organisation and person names are invented; only the
country codes are real ISO 3166 codes. The generator uses a seeded ``random.Random`` and fixed
dates (no wall clock), so the same script always writes the same file.

    python scripts/make_sample.py           # (re)write the file
    python scripts/make_sample.py --check   # exit 1 if the committed file is out of date
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

import attrs
from dateutil.relativedelta import relativedelta

import icoc.io
from icoc.model import (
    AccreditationRoute,
    AuditOutcome,
    Board,
    BodyAcceptance,
    CaseId,
    CaseStage,
    CertificateId,
    CertificationBody,
    CertificationBodyId,
    CivilSocietyOrganisation,
    Company,
    CompanyStatus,
    Complainant,
    Complaint,
    ComplaintId,
    ComplaintKind,
    ComplaintOutcome,
    ComplaintRoute,
    ComplaintStage,
    ComplianceCase,
    ConcernCategory,
    CorrectiveAction,
    CorrectiveActionPlan,
    Director,
    DirectorId,
    ExternalCertificate,
    ExternalCertificateStatus,
    FeeKind,
    FeeSchedule,
    FindingSource,
    Government,
    GovernmentKind,
    IcocaCertification,
    IcocaCertificationStatus,
    MemberId,
    MembershipStatus,
    Observer,
    ObserverKind,
    Payment,
    Pillar,
    PlanId,
    RegistryDocument,
    SelfAssessment,
    ServiceDomain,
    Severity,
    StandardId,
    SurveillanceAudit,
)

AS_OF = date(2026, 6, 30)
SEED = 20260630
OUT = Path(__file__).resolve().parent.parent / "src" / "icoc" / "sample" / "registry.json"

CSA_CYCLES = (2022, 2023, 2024, 2025)
"""Self-assessment cycles in the sample: sent on 1 July, due on 23 September (as in 2020)."""

LAND = (ServiceDomain.LAND,)
SEA = (ServiceDomain.MARITIME,)
BOTH = (ServiceDomain.LAND, ServiceDomain.MARITIME)

PSC_1 = StandardId("PSC.1-2012")
ISO_18788 = StandardId("ISO-18788")
ISO_28007 = StandardId("ISO-28007")
ISO_9001 = StandardId("ISO-9001")

CB_DIRECT_A = CertificationBodyId("cb-fictional-assurance")
CB_DIRECT_B = CertificationBodyId("cb-imaginary-certification")
CB_17021 = CertificationBodyId("cb-notional-audit")
CB_UNACCEPTED = CertificationBodyId("cb-unchecked-registrar")
CB_MARITIME_ONLY = CertificationBodyId("cb-fictional-maritime")
"""Accepted for ISO 28007 only, from 2024-02-01 (as ICoCA's February 2024 announcement added a body)."""
ACCEPTED_BODIES = (CB_DIRECT_A, CB_DIRECT_B, CB_17021)

# (status, how many, suspended_from for suspended companies)
COMPANY_PLAN: tuple[tuple[CompanyStatus, int], ...] = (
    (CompanyStatus.CERTIFIED_MEMBER, 16),
    (CompanyStatus.MEMBER, 9),
    (CompanyStatus.TRANSITIONAL_MEMBER, 4),
    (CompanyStatus.AFFILIATE, 8),
    (CompanyStatus.SUSPENDED, 5),
    (CompanyStatus.TERMINATED, 5),
    (CompanyStatus.WITHDRAWN, 3),
)
SUSPENDED_FROM = (
    CompanyStatus.CERTIFIED_MEMBER,
    CompanyStatus.MEMBER,
    CompanyStatus.AFFILIATE,
    CompanyStatus.CERTIFIED_MEMBER,
    CompanyStatus.TRANSITIONAL_MEMBER,
)
SWISS_STATUSES = (
    CompanyStatus.CERTIFIED_MEMBER,
    CompanyStatus.MEMBER,
    CompanyStatus.AFFILIATE,
    CompanyStatus.WITHDRAWN,
)
"""One Swiss (PSSA) company in each of these statuses; the withdrawn one left in 2026, inside the
six months Swiss law gives it to rejoin."""

PREFIXES = (
    "Fictitious", "Imaginary", "Hypothetical", "Notional", "Invented", "Pretend", "Make-Believe",
    "Storybook", "Placeholder", "Specimen", "Phantom", "Figment", "Fabled", "Mythical", "Apocryphal",
    "Daydream", "Madeup", "Parable", "Pseudo", "Chimera", "Fancied", "Unreal", "Dreamt", "Feigned",
    "Contrived", "Supposed", "Nominal", "Sketch", "Mock", "Example",
)  # fmt: skip
LAND_NOUNS = ("Guarding", "Protective Services", "Security Solutions", "Risk Services", "Close Protection")
SEA_NOUNS = ("Maritime Escorts", "Marine Security", "Vessel Protection", "Anti-Piracy Services")
BOTH_NOUNS = ("Security Group", "Land and Sea Security", "Global Protection")
COUNTRIES = (
    ("GB", "Ltd"), ("US", "LLC"), ("FR", "SAS"), ("DE", "GmbH"), ("ZA", "(Pty) Ltd"), ("KE", "Ltd"),
    ("AE", "FZE"), ("CY", "Ltd"), ("NG", "Ltd"), ("IQ", "LLC"), ("SL", "Ltd"), ("CO", "SAS"),
    ("PE", "SAC"), ("UG", "Ltd"), ("LK", "(Pvt) Ltd"), ("MT", "Ltd"), ("ES", "SL"), ("NL", "BV"),
    ("SG", "Pte Ltd"), ("AF", "Ltd"),
)  # fmt: skip
FIRST_NAMES = (
    "Alex", "Sam", "Robin", "Kim", "Jordan", "Taylor", "Morgan", "Casey", "Jamie", "Riley",
    "Avery", "Quinn", "Rowan", "Sasha", "Noa", "Eli", "Ari", "Dana", "Kai", "Lee",
)  # fmt: skip
SURNAMES = (
    "Example", "Sample", "Specimen", "Placeholder", "Dummy", "Fictive", "Notional", "Mockford",
    "Testwell", "Madeup", "Pretendo", "Imaginal", "Figmento", "Unreal", "Storey", "Fablewood",
)  # fmt: skip


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _between(rng: random.Random, start: date, end: date) -> date:
    """A date in start..end inclusive."""
    return start + timedelta(days=rng.randint(0, (end - start).days))


class _Builder:
    def __init__(self, seed: int) -> None:
        self.maritime_only_used = False
        self.rng = random.Random(seed)
        self.companies: list[Company] = []
        self.certificates: list[ExternalCertificate] = []
        self.icoca: list[IcocaCertification] = []
        self.self_assessments: list[SelfAssessment] = []
        self.cases: list[ComplianceCase] = []
        self.plans: list[CorrectiveActionPlan] = []
        self.complaints: list[Complaint] = []
        self.payments: list[Payment] = []
        self._names: set[str] = set()
        self._persons: set[str] = set()

    # ------------------------------------------------------------------ companies

    def company_name(self, country: str, suffix: str, services: tuple[ServiceDomain, ...]) -> tuple[str, str]:
        nouns = LAND_NOUNS if services == LAND else SEA_NOUNS if services == SEA else BOTH_NOUNS
        while True:
            prefix = self.rng.choice(PREFIXES)
            noun = self.rng.choice(nouns)
            if f"{prefix} {noun}" not in self._names:
                self._names.add(f"{prefix} {noun}")
                return f"{prefix} {noun} {suffix}", f"{_slug(prefix)}-{_slug(noun.split()[0])}"

    def build_companies(self) -> None:
        rng = self.rng
        plan = [status for status, n in COMPANY_PLAN for _ in range(n)]
        rng.shuffle(plan)
        swiss = list(SWISS_STATUSES)
        suspended_from = list(SUSPENDED_FROM)
        for n, status in enumerate(plan, start=1):
            services = rng.choices((LAND, SEA, BOTH), weights=(60, 25, 15))[0]
            is_swiss = status in swiss
            if is_swiss:
                swiss.remove(status)
                country, suffix = "CH", rng.choice(("SA", "AG"))
            else:
                country, suffix = rng.choice(COUNTRIES)
            name, stem = self.company_name(country, suffix, services)
            joined, since = self.company_dates(status, is_swiss)
            self.companies.append(
                Company(
                    id=MemberId(f"{stem}-{n:02d}"),
                    name=name,
                    country=country,
                    joined=joined,
                    status=status,
                    status_since=since,
                    suspended_from=suspended_from.pop(0) if status is CompanyStatus.SUSPENDED else None,
                    services=services,
                    swiss_pssa=is_swiss,
                    revenue_band=rng.choices(("A", "B", "C", "D"), weights=(45, 30, 18, 7))[0],
                )
            )

    def company_dates(self, status: CompanyStatus, swiss: bool) -> tuple[date, date]:
        """Joining date and status date, consistent with the regime the status belongs to."""
        rng = self.rng
        S = CompanyStatus
        if status is S.CERTIFIED_MEMBER:
            joined = _between(rng, date(2014, 1, 15), date(2022, 6, 30))
            return joined, joined  # status_since is set once the certification is granted
        if status is S.MEMBER:  # current regime: certify by 31 Dec of the third year after joining
            joined = _between(rng, date(2023, 1, 10), date(2026, 5, 31))
            return joined, joined
        if status is S.TRANSITIONAL_MEMBER:  # 2017 regime, clock from 15 April 2018
            joined = _between(rng, date(2017, 6, 1), date(2019, 12, 15))
            return joined, max(joined, date(2018, 4, 15))
        if status is S.AFFILIATE:
            if rng.random() < 0.5:  # joined directly as an affiliate
                joined = _between(rng, date(2020, 3, 1), date(2025, 11, 30))
                return joined, joined
            joined = _between(rng, date(2019, 1, 10), date(2021, 6, 30))  # missed its deadline
            deadline = date(joined.year + 3, 12, 31)
            return joined, _between(rng, deadline + timedelta(days=20), deadline + timedelta(days=200))
        if status is S.SUSPENDED:
            joined = _between(rng, date(2015, 1, 1), date(2022, 12, 31))
            return joined, _between(rng, date(2025, 6, 1), date(2026, 5, 31))
        if status is S.TERMINATED:
            joined = _between(rng, date(2014, 1, 1), date(2019, 12, 31))
            return joined, _between(rng, date(2023, 1, 15), date(2025, 12, 15))
        # withdrawn
        joined = _between(rng, date(2015, 1, 1), date(2021, 12, 31))
        if swiss:
            return joined, date(2026, 2, 27)
        return joined, _between(rng, date(2022, 3, 1), date(2026, 4, 30))

    # --------------------------------------------------------------- certificates

    def standard_for(self, services: tuple[ServiceDomain, ...]) -> StandardId:
        if services == LAND:
            return self.rng.choice((PSC_1, ISO_18788, ISO_18788))
        if services == SEA:
            return self.rng.choice((PSC_1, ISO_28007, ISO_28007))
        return PSC_1

    def audits(self, issued: date, expires: date, until: date) -> tuple[SurveillanceAudit, ...]:
        out = []
        for months in (12, 24):
            held = issued + relativedelta(months=months) + timedelta(days=self.rng.randint(-20, 20))
            if held <= min(until, expires):
                outcome = self.rng.choices(
                    (AuditOutcome.PASSED, AuditOutcome.MINOR_NONCONFORMITIES, AuditOutcome.MAJOR_NONCONFORMITIES),
                    weights=(75, 22, 3),
                )[0]
                out.append(SurveillanceAudit(held=held, outcome=outcome))
        return tuple(out)

    def external(
        self,
        company: Company,
        standard: StandardId,
        body: CertificationBodyId,
        issued: date,
        status: ExternalCertificateStatus = ExternalCertificateStatus.VALID,
        audits_until: date = AS_OF,
        conditions: tuple[str, ...] = (),
    ) -> ExternalCertificate:
        expires = issued + relativedelta(years=3)
        cert = ExternalCertificate(
            id=CertificateId(f"EXT-{len(self.certificates) + 1:04d}"),
            company=company.id,
            standard=standard,
            body=body,
            issued=issued,
            expires=expires,
            status=status,
            surveillance=self.audits(issued, expires, audits_until),
            conditions=conditions,
        )
        self.certificates.append(cert)
        return cert

    def certify(
        self, cert: ExternalCertificate, status: IcocaCertificationStatus, latest: date = AS_OF
    ) -> IcocaCertification:
        delay = timedelta(days=self.rng.randint(30, 150))
        granted = min(cert.issued + delay, latest)
        ic = IcocaCertification(
            id=CertificateId(f"ICOCA-{len(self.icoca) + 1:04d}"),
            company=cert.company,
            based_on=cert.id,
            granted=granted,
            expires=cert.expires,
            status=status,
        )
        self.icoca.append(ic)
        return ic

    def certification_history(
        self, company: Company, first_issued: date, until: date, final: IcocaCertificationStatus
    ) -> list[IcocaCertification]:
        """Three-year cycles from ``first_issued`` up to ``until``: earlier ones expired, the last ``final``."""
        standard = self.standard_for(company.services)
        body = self.rng.choice(ACCEPTED_BODIES)
        issued_dates = []
        issued = first_issued
        while issued <= until:
            issued_dates.append(issued)
            issued = issued + relativedelta(years=3) - timedelta(days=self.rng.randint(0, 20))
        out = []
        for i, issued in enumerate(issued_dates):
            last = i == len(issued_dates) - 1
            cert = self.external(company, standard, body, issued, audits_until=until)
            status = final if last else IcocaCertificationStatus.EXPIRED
            out.append(self.certify(cert, status, latest=until))
        return out

    def build_certificates(self) -> None:
        rng = self.rng
        S = CompanyStatus
        updated: list[Company] = []
        members_seen = 0
        for c in self.companies:
            if c.status is S.CERTIFIED_MEMBER:
                first = _between(rng, c.joined + relativedelta(months=8), c.joined + relativedelta(months=30))
                first = min(first, AS_OF - timedelta(days=200))
                history = self.certification_history(c, first, AS_OF, IcocaCertificationStatus.CERTIFIED)
                if c.services == BOTH and history:  # a second standard for its maritime work
                    body = rng.choice(ACCEPTED_BODIES)
                    if history[-1].granted >= date(2024, 2, 1) and not self.maritime_only_used:
                        body, self.maritime_only_used = CB_MARITIME_ONLY, True
                    self.external(c, ISO_28007, body, history[-1].granted)
                c = attrs.evolve(c, status_since=history[0].granted)
            elif c.status is S.SUSPENDED and c.suspended_from is S.CERTIFIED_MEMBER:
                first = _between(rng, c.joined + relativedelta(months=8), c.joined + relativedelta(months=24))
                history = self.certification_history(c, first, c.status_since, IcocaCertificationStatus.SUSPENDED)
                last = self.certificates[-1]
                if rng.random() < 0.5:  # the certification body suspended its certificate too
                    self.certificates[-1] = attrs.evolve(last, status=ExternalCertificateStatus.SUSPENDED)
                del history
            elif c.status in (S.TERMINATED, S.WITHDRAWN) and rng.random() < 0.6:
                first = _between(rng, c.joined + relativedelta(months=8), c.joined + relativedelta(months=24))
                if first < c.status_since - timedelta(days=200):
                    self.certification_history(c, first, c.status_since, IcocaCertificationStatus.WITHDRAWN)
                    last = self.certificates[-1]
                    if last.expires > c.status_since:
                        self.certificates[-1] = attrs.evolve(last, status=ExternalCertificateStatus.WITHDRAWN)
            elif c.status is S.MEMBER:
                members_seen += 1
                issued = _between(rng, c.joined + relativedelta(months=3), c.joined + relativedelta(months=18))
                if issued <= AS_OF - timedelta(days=30):
                    if members_seen == 1:  # ISO 9001 only: grants nothing towards ICoCA certification
                        self.external(c, ISO_9001, CB_DIRECT_A, issued)
                    elif members_seen == 2:  # a recognised standard, but from a body ICoCA does not accept
                        self.external(c, self.standard_for(c.services), CB_UNACCEPTED, issued)
                    elif members_seen in (3, 4):  # externally certified, ICoCA review pending
                        self.external(
                            c,
                            self.standard_for(c.services),
                            rng.choice(ACCEPTED_BODIES),
                            issued,
                            conditions=("Scope limited to static guarding at listed sites",)
                            if members_seen == 3
                            else (),
                        )
            updated.append(c)
        self.companies = updated
        # Every recognised standard backs at least one ICoCA certification.
        based = {cert.standard for cert in self.certificates if any(ic.based_on == cert.id for ic in self.icoca)}
        missing = sorted({PSC_1, ISO_18788, ISO_28007} - based)
        if missing:
            raise SystemExit(f"sample: no ICoCA certification based on {missing}; change the seed or the plan")

    # ------------------------------------------------------------ self-assessment

    def build_self_assessments(self) -> None:
        rng = self.rng
        S = CompanyStatus
        terminated_for_csa = {c.id for c in self.companies if c.status is S.TERMINATED}
        flavours = ["missing", "late", "unsatisfactory", "unrated"]
        for c in self.companies:
            for cycle in CSA_CYCLES:
                sent, due = date(cycle, 7, 1), date(cycle, 9, 23)
                if c.joined > sent:
                    continue  # joined after the cycle was sent out
                if not c.status.is_active and c.status_since <= due:
                    continue  # no longer a member when it fell due
                flavour = "ok"
                last_before_change = cycle == max(
                    (y for y in CSA_CYCLES if date(y, 9, 23) < c.status_since), default=None
                )
                if c.id in terminated_for_csa and last_before_change:
                    flavour = "missing"  # terminated for not submitting its self-assessment
                elif c.status is S.AFFILIATE and c.status_since > c.joined and last_before_change:
                    flavour = "ok"  # moved to affiliate: its latest assessment was satisfactory
                elif c.status is S.SUSPENDED and cycle == 2025:
                    flavour = rng.choice(("missing", "unsatisfactory"))
                elif cycle == 2025 and flavours and rng.random() < 0.35:
                    flavour = flavours.pop(0)  # one of each kind at least
                elif rng.random() < 0.12:
                    flavour = rng.choice(("late", "unsatisfactory", "missing"))
                if flavour == "missing" and rng.random() < 0.3 and c.status is not S.TERMINATED:
                    continue  # no record at all for the cycle
                submitted: date | None
                satisfactory: bool | None
                if flavour == "missing":
                    submitted, satisfactory = None, None
                elif flavour == "late":
                    submitted, satisfactory = due + timedelta(days=rng.randint(3, 60)), True
                else:
                    submitted = _between(rng, sent + timedelta(days=14), due)
                    satisfactory = {"unsatisfactory": False, "unrated": None}.get(flavour, True)
                self.self_assessments.append(
                    SelfAssessment(
                        company=c.id, cycle=cycle, due=due, sent=sent, submitted=submitted, satisfactory=satisfactory
                    )
                )

    # ------------------------------------------------------- cases and complaints

    def pick(self, *statuses: CompanyStatus, before: date, avoid: Sequence[str] = ()) -> Company:
        """A company in one of ``statuses`` that joined before ``before``, preferably not in ``avoid``."""
        pool = [c for c in self.companies if c.status in statuses and c.joined < before]
        fresh = [c for c in pool if c.id not in avoid]
        if not pool:
            raise SystemExit(f"sample: no company in {[s.value for s in statuses]} joined before {before}")
        return self.rng.choice(fresh or pool)

    def case(
        self,
        company: Company,
        opened: date,
        source: FindingSource,
        category: ConcernCategory,
        paragraphs: tuple[int, ...],
        stage: CaseStage,
        severity: Severity,
        summary: str,
        closed: date | None = None,
        complaint: str | None = None,
    ) -> ComplianceCase:
        case = ComplianceCase(
            id=CaseId(f"CASE-{opened.year}-{len(self.cases) + 1:03d}"),
            company=company.id,
            opened=opened,
            source=source,
            category=category,
            code_paragraphs=paragraphs,
            severity=severity,
            stage=stage,
            closed=closed,
            complaint=ComplaintId(complaint) if complaint else None,
            summary=summary,
        )
        self.cases.append(case)
        return case

    def complaint_id(self, received: date) -> ComplaintId:
        return ComplaintId(f"CMP-{received.year}-{len(self.complaints) + 1:03d}")

    def build_cases_and_complaints(self) -> None:
        S = CompanyStatus
        FS = FindingSource
        CC = ConcernCategory
        ST = CaseStage
        KIND = ComplaintKind
        ROUTE = ComplaintRoute
        CS = ComplaintStage
        active = (S.CERTIFIED_MEMBER, S.MEMBER, S.TRANSITIONAL_MEMBER, S.AFFILIATE)
        used: list[str] = []

        def take(*statuses: CompanyStatus, before: date) -> Company:
            c = self.pick(*statuses, before=before, avoid=used)
            used.append(c.id)
            return c

        # Compliance cases not born of a complaint: every source other than complaints, every stage.
        self.case(
            take(S.CERTIFIED_MEMBER, before=date(2026, 5, 12)),
            date(2026, 5, 12), FS.REMOTE_MONITORING, CC.PERSONNEL_MISCONDUCT,
            (30, 31, 32), ST.DIALOGUE, Severity.HIGH,
            "Media reports of excessive force by guards at a fictional mine site",
        )  # fmt: skip
        self.case(
            take(S.MEMBER, before=date(2026, 6, 2)),
            date(2026, 6, 2), FS.REMOTE_MONITORING, CC.MANAGEMENT_AND_GOVERNANCE,
            (45, 46, 47), ST.CONCERN, Severity.LOW,
            "A partner CSO reports that vetting records are not kept for subcontracted guards",
        )  # fmt: skip
        self.case(
            take(S.MEMBER, before=date(2025, 10, 20)),
            date(2025, 10, 20), FS.SELF_ASSESSMENT, CC.MANAGEMENT_AND_GOVERNANCE,
            (55,), ST.RESOLVED, Severity.LOW,
            "Self-assessment showed no human rights training for new recruits; training since delivered",
            closed=date(2026, 2, 3),
        )  # fmt: skip
        self.case(
            take(S.AFFILIATE, before=date(2025, 11, 4)),
            date(2025, 11, 4), FS.SELF_ASSESSMENT, CC.MANAGEMENT_AND_GOVERNANCE,
            (63,), ST.REFERRED_TO_BOARD, Severity.MEDIUM,
            "No incident reporting procedure; dialogue produced no response",
        )  # fmt: skip
        overdue = self.case(
            take(S.TRANSITIONAL_MEMBER, before=date(2025, 6, 18)),
            date(2025, 6, 18), FS.FIELD_BASED_REVIEW, CC.PERSONNEL_MISCONDUCT,
            (33, 34), ST.CORRECTIVE_ACTION, Severity.HIGH,
            "Field-based review found persons held at a site gate without handover to authorities",
        )  # fmt: skip
        implemented = self.case(
            take(S.CERTIFIED_MEMBER, before=date(2024, 6, 5)),
            date(2024, 6, 5), FS.FIELD_BASED_REVIEW, CC.MANAGEMENT_AND_GOVERNANCE,
            (56, 57, 58), ST.IMPLEMENTED, Severity.MEDIUM,
            "Weapons register incomplete at two sites",
            closed=date(2025, 5, 5),
        )  # fmt: skip
        self.case(
            take(*active, before=date(2025, 3, 14)), date(2025, 3, 14), FS.MEMBER_REQUEST, CC.OTHER,
            (44,), ST.RESOLVED, Severity.LOW,
            "The company asked for a review of its updated policies against the Code",
            closed=date(2025, 7, 1),
        )  # fmt: skip
        self.case(
            take(S.CERTIFIED_MEMBER, before=date(2026, 4, 22)),
            date(2026, 4, 22), FS.MEMBER_REQUEST, CC.PERSONNEL_MISCONDUCT,
            (28, 42), ST.CONCERN, Severity.MEDIUM,
            "A government member asked ICoCA to look into reported discrimination in hiring",
        )  # fmt: skip
        self.case(
            take(S.AFFILIATE, before=date(2023, 9, 8)), date(2023, 9, 8), FS.REMOTE_MONITORING, CC.OTHER,
            (43,), ST.RESOLVED, Severity.LOW,
            "Vehicles operating without company identification",
            closed=date(2023, 12, 11),
        )  # fmt: skip

        # Plans on the cases the Board recommended corrective action for.
        self.plans.append(
            CorrectiveActionPlan(
                id=PlanId("CAP-0001"),
                case=implemented.id,
                company=implemented.company,
                recommended=date(2024, 10, 1),
                deadline=date(2025, 3, 31),
                actions=(
                    CorrectiveAction(
                        description="Complete the weapons register at every site",
                        due=date(2024, 12, 31),
                        completed=date(2024, 12, 12),
                    ),
                    CorrectiveAction(
                        description="Quarterly reconciliation of weapons and ammunition",
                        due=date(2025, 3, 31),
                        completed=date(2025, 3, 20),
                    ),
                ),
                verified=date(2025, 4, 22),
            )
        )
        self.plans.append(
            CorrectiveActionPlan(
                id=PlanId("CAP-0002"),
                case=overdue.id,
                company=overdue.company,
                recommended=date(2025, 11, 14),
                deadline=date(2026, 4, 30),
                actions=(
                    CorrectiveAction(
                        description="Written apprehension and handover procedure (Code para. 34)",
                        due=date(2026, 1, 31),
                        completed=date(2026, 2, 9),
                    ),
                    CorrectiveAction(
                        description="Train all site supervisors on the procedure",
                        due=date(2026, 4, 30),
                    ),
                ),
            )
        )

        # Complaints: every kind, route and stage; some open compliance cases of their own.
        def complaint(
            company: Company,
            received: date,
            kind: ComplaintKind,
            stage: ComplaintStage,
            category: ConcernCategory,
            paragraphs: tuple[int, ...],
            route: ComplaintRoute | None = None,
            outcome: ComplaintOutcome | None = None,
            closed: date | None = None,
            representative: bool = False,
            named: bool = False,
            case: tuple[date, CaseStage, Severity, str] | None = None,
            case_closed: date | None = None,
        ) -> Complaint:
            cid = self.complaint_id(received)
            linked = None
            if case is not None:
                opened, case_stage, severity, summary = case
                linked = self.case(
                    company, opened, FS.COMPLAINT, category, paragraphs, case_stage, severity, summary,
                    closed=case_closed, complaint=cid,
                )  # fmt: skip
            letter = chr(ord("A") + len(self.complaints))
            person = (
                Complainant(
                    name=f"Fictional Complainant {letter}",
                    contact=f"complainant-{letter.lower()}@example.org",
                    representative=representative,
                )
                if named
                else Complainant(representative=representative)
            )
            cp = Complaint(
                id=cid,
                company=company.id,
                received=received,
                kind=kind,
                complainant=person,
                category=category,
                code_paragraphs=paragraphs,
                stage=stage,
                route=route,
                outcome=outcome,
                closed=closed,
                compliance_case=linked.id if linked else None,
            )
            self.complaints.append(cp)
            return cp

        complaint(
            take(S.CERTIFIED_MEMBER, before=date(2026, 6, 19)), date(2026, 6, 19), KIND.ALLEGED_HARM, CS.RECEIVED,
            CC.PERSONNEL_MISCONDUCT, (29, 30), named=True,
        )  # fmt: skip
        complaint(
            take(S.MEMBER, before=date(2026, 5, 27)), date(2026, 5, 27), KIND.CREDIBLE_EVIDENCE, CS.CLASSIFIED,
            CC.PERSONNEL_MISCONDUCT, (40,),
        )  # fmt: skip
        complaint(
            take(S.CERTIFIED_MEMBER, before=date(2026, 2, 16)), date(2026, 2, 16), KIND.ALLEGED_HARM, CS.REFERRED,
            CC.PERSONNEL_MISCONDUCT, (65,), route=ROUTE.COMPANY_GRIEVANCE_MECHANISM, named=True,
        )  # fmt: skip
        complaint(
            take(S.AFFILIATE, before=date(2026, 1, 9)),
            date(2026, 1, 9), KIND.GRIEVANCE_MECHANISM_INADEQUATE, CS.REFERRED,
            CC.MANAGEMENT_AND_GOVERNANCE, (66, 67), route=ROUTE.ICOCA_GOOD_OFFICES,
            case=(date(2026, 2, 2), ST.CORRECTIVE_ACTION, Severity.MEDIUM,
                  "The company's grievance mechanism is not reachable by local communities"),
        )  # fmt: skip
        on_track = self.cases[-1]
        self.plans.append(
            CorrectiveActionPlan(
                id=PlanId("CAP-0003"),
                case=on_track.id,
                company=on_track.company,
                recommended=date(2026, 3, 10),
                deadline=date(2026, 9, 30),
                actions=(
                    CorrectiveAction(
                        description="Publish the grievance procedure in local languages",
                        due=date(2026, 5, 31),
                        completed=date(2026, 5, 18),
                    ),
                    CorrectiveAction(
                        description="Open a free telephone line and a community liaison desk",
                        due=date(2026, 9, 30),
                    ),
                ),
            )
        )
        complaint(
            take(S.CERTIFIED_MEMBER, before=date(2025, 9, 3)), date(2025, 9, 3), KIND.ALLEGED_HARM, CS.REMEDIED,
            CC.PERSONNEL_MISCONDUCT, (28,), route=ROUTE.ICOCA_GOOD_OFFICES, outcome=ComplaintOutcome.REMEDIED,
            representative=True,
        )  # fmt: skip
        complaint(
            take(S.TRANSITIONAL_MEMBER, before=date(2025, 4, 28)),
            date(2025, 4, 28), KIND.CREDIBLE_EVIDENCE, CS.UNRESOLVED,
            CC.MANAGEMENT_AND_GOVERNANCE, (52, 53), route=ROUTE.OTHER, outcome=ComplaintOutcome.UNRESOLVED,
        )  # fmt: skip
        complaint(
            take(S.MEMBER, before=date(2024, 11, 12)), date(2024, 11, 12), KIND.ALLEGED_HARM, CS.CLOSED,
            CC.PERSONNEL_MISCONDUCT, (64,), route=ROUTE.COMPANY_GRIEVANCE_MECHANISM,
            outcome=ComplaintOutcome.REMEDIED, closed=date(2025, 2, 20),
        )  # fmt: skip
        complaint(
            take(S.CERTIFIED_MEMBER, before=date(2024, 3, 4)), date(2024, 3, 4), KIND.CREDIBLE_EVIDENCE, CS.CLOSED,
            CC.OTHER, (69,), route=ROUTE.OTHER, outcome=ComplaintOutcome.UNRESOLVED, closed=date(2024, 9, 30),
        )  # fmt: skip
        complaint(
            take(S.CERTIFIED_MEMBER, before=date(2023, 5, 22)),
            date(2023, 5, 22), KIND.GRIEVANCE_MECHANISM_INADEQUATE, CS.CLOSED,
            CC.MANAGEMENT_AND_GOVERNANCE, (66, 67, 68), route=ROUTE.ICOCA_GOOD_OFFICES,
            outcome=ComplaintOutcome.REMEDIED, closed=date(2023, 11, 2),
            case=(date(2023, 6, 1), ST.RESOLVED, Severity.LOW, "Grievance mechanism lacked a written procedure"),
            case_closed=date(2023, 10, 30),
        )  # fmt: skip
        complaint(
            take(S.AFFILIATE, before=date(2026, 3, 30)), date(2026, 3, 30), KIND.ALLEGED_HARM, CS.REFERRED,
            CC.PERSONNEL_MISCONDUCT, (38,), route=ROUTE.OTHER, representative=True, named=True,
            case=(date(2026, 4, 8), ST.DIALOGUE, Severity.CRITICAL,
                  "Allegation of sexual exploitation by a guard; referred to the national authorities"),
        )  # fmt: skip

        # Each suspended company is under suspension proceedings, from a different source.
        sources = [FS.REMOTE_MONITORING, FS.SELF_ASSESSMENT, FS.FIELD_BASED_REVIEW, FS.COMPLAINT, FS.SELF_ASSESSMENT]
        for c in sorted((c for c in self.companies if c.status is S.SUSPENDED), key=lambda c: c.id):
            source = sources.pop(0)
            opened = c.status_since - timedelta(days=self.rng.randint(150, 400))
            if source is FS.COMPLAINT:
                complaint(
                    c, opened - timedelta(days=21), KIND.CREDIBLE_EVIDENCE, CS.CLASSIFIED,
                    CC.PERSONNEL_MISCONDUCT, (35, 36),
                    case=(opened, ST.SUSPENSION_PROCEEDINGS, Severity.CRITICAL,
                          "Credible evidence of ill-treatment of detainees; failure to act in good faith"),
                )  # fmt: skip
            elif source is FS.SELF_ASSESSMENT:
                self.case(
                    c, opened, source, CC.MANAGEMENT_AND_GOVERNANCE, (9, 21), ST.SUSPENSION_PROCEEDINGS,
                    Severity.HIGH, "Repeatedly failed to submit or complete its annual self-assessment",
                )  # fmt: skip
            elif source is FS.FIELD_BASED_REVIEW:
                self.case(
                    c, opened, source, CC.PERSONNEL_MISCONDUCT, (38, 39, 40), ST.SUSPENSION_PROCEEDINGS,
                    Severity.CRITICAL, "Pattern of non-compliance found on a field-based review",
                )  # fmt: skip
            else:
                self.case(
                    c, opened, source, CC.MANAGEMENT_AND_GOVERNANCE, (50, 51), ST.SUSPENSION_PROCEEDINGS,
                    Severity.HIGH, "Continued use of unvetted subcontractors after recommendations",
                )  # fmt: skip

    # ------------------------------------------------------------- other members

    def person(self) -> str:
        while True:
            name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(SURNAMES)}"
            if name not in self._persons:
                self._persons.add(name)
                return name


CSOS = (
    ("Imaginary Rights Watch", "GB"),
    ("Fictional Centre for Human Rights and Security", "CH"),
    ("Invented Legal Aid Network", "KE"),
    ("Notional Community Voices", "CO"),
    ("Hypothetical Coalition for Accountable Security", "ZA"),
    ("Storybook Maritime Labour Forum", "PH"),
    ("Make-Believe Foundation for Peace", "NG"),
)
STATES = (
    ("Fictional Confederation of Alpina", "CH"),
    ("Fictional Kingdom of Northmark", "NO"),
    ("Fictional Republic of Westmere", "US"),
    ("Fictional Realm of Albion", "GB"),
    ("Fictional Commonwealth of Southcross", "AU"),
    ("Fictional Republic of the Lowlands", "NL"),
)


def build(seed: int = SEED) -> RegistryDocument:
    """The sample registry document: the same seed always gives the same document."""
    b = _Builder(seed)
    rng = b.rng
    b.build_companies()
    b.build_certificates()
    b.build_self_assessments()
    b.build_cases_and_complaints()

    civil_society = tuple(
        CivilSocietyOrganisation(
            id=MemberId(f"cso-{_slug(name.split()[1])}-{i:02d}"),
            name=name,
            country=country,
            joined=_between(rng, date(2013, 9, 20), date(2024, 6, 30)),
        )
        for i, (name, country) in enumerate(CSOS, start=1)
    )
    # one CSO withdrew
    last = civil_society[-1]
    civil_society = (
        *civil_society[:-1],
        attrs.evolve(last, status=MembershipStatus.WITHDRAWN, status_since=date(2025, 3, 31)),
    )
    states = tuple(
        Government(
            id=MemberId(f"gov-{country.lower()}"),
            name=name,
            kind=GovernmentKind.STATE,
            country=country,
            joined=_between(rng, date(2013, 9, 20), date(2022, 12, 31)),
        )
        for name, country in STATES
    )
    igo = Government(
        id=MemberId("igo-coastal-union"),
        name="Fictional Union of Coastal States",
        kind=GovernmentKind.INTERGOVERNMENTAL,
        joined=date(2021, 11, 16),
    )
    governments = (*states, igo)
    observers = (
        Observer(
            id=MemberId("obs-security-studies"),
            name="Fictional Institute for Security Studies",
            kind=ObserverKind.ACADEMIC,
            joined=date(2016, 5, 10),
            country="CH",
            fee_waived=True,
        ),
        Observer(
            id=MemberId("obs-industry-association"),
            name="Fictional Association of Security Companies",
            kind=ObserverKind.INDUSTRY_ASSOCIATION,
            joined=date(2018, 10, 2),
            country="GB",
        ),
        Observer(
            id=MemberId("obs-eastland-defence"),
            name="Fictional Ministry of Defence of Eastland",
            kind=ObserverKind.GOVERNMENT,
            joined=date(2022, 2, 14),
            country="PL",
        ),
        Observer(
            id=MemberId("obs-humanitarian-forum"),
            name="Imaginary Humanitarian Forum",
            kind=ObserverKind.CIVIL_SOCIETY,
            joined=date(2024, 9, 1),
            country="BE",
            fee_waived=True,
        ),
    )

    bodies = (
        CertificationBody(
            id=CB_DIRECT_A,
            name="Fictional Assurance Services Ltd",
            accreditation_body="Fictional National Accreditation Service (GB)",
            route=AccreditationRoute.DIRECT_TO_STANDARD,
        ),
        CertificationBody(
            id=CB_DIRECT_B,
            name="Imaginary Certification International Inc",
            accreditation_body="Imaginary Accreditation Board (US)",
            route=AccreditationRoute.DIRECT_TO_STANDARD,
        ),
        CertificationBody(
            id=CB_17021,
            name="Notional Audit Partners AG",
            accreditation_body="Fictional Swiss Accreditation Service (CH)",
            route=AccreditationRoute.ISO_17021_PLUS_ICOCA,
            icoca_competency_checked=True,
        ),
        CertificationBody(
            id=CB_MARITIME_ONLY,
            name="Fictional Maritime Certification Ltd",
            accreditation_body="Fictional National Accreditation Service (GB)",
            route=AccreditationRoute.ISO_17021_PLUS_ICOCA,
            icoca_competency_checked=True,
            acceptances=(
                BodyAcceptance(
                    standard=ISO_28007,
                    accepted_from=date(2024, 2, 1),
                    route=AccreditationRoute.ISO_17021_PLUS_ICOCA,
                    source="fictional; modelled on ICoCA's February 2024 announcement of a body for ISO 28007",
                ),
            ),
        ),
        CertificationBody(
            id=CB_UNACCEPTED,
            name="Fictional Unchecked Registrar Co",
            accreditation_body="Fictional Accreditation Council (AE)",
            route=AccreditationRoute.ISO_17021_PLUS_ICOCA,
            icoca_competency_checked=False,
        ),
    )

    board = _board(b, civil_society, governments)
    fees = FeeSchedule()
    payments = _payments(b, fees, governments, observers)

    return _since_from_records(
        _agree_with_rules(
            RegistryDocument(
                as_of=AS_OF,
                companies=tuple(b.companies),
                civil_society=civil_society,
                governments=governments,
                observers=observers,
                certification_bodies=bodies,
                certificates=tuple(b.certificates),
                icoca_certifications=tuple(b.icoca),
                self_assessments=tuple(b.self_assessments),
                cases=tuple(b.cases),
                corrective_action_plans=tuple(b.plans),
                complaints=tuple(b.complaints),
                board=board,
                fees=fees,
                payments=payments,
            )
        )
    )


GENERAL_ASSEMBLIES = (date(2020, 12, 8), date(2021, 12, 7), date(2022, 12, 6), date(2023, 12, 5), date(2024, 12, 3),
                      date(2025, 12, 2))  # fmt: skip
SEAT_TERMS = ((0, 3), (1, 4), (2, 5), (2, 5))
"""Per seat: the General Assemblies (indexes above) at which its last two terms started."""


def _board(
    b: _Builder, civil_society: tuple[CivilSocietyOrganisation, ...], governments: tuple[Government, ...]
) -> Board:
    """Four seats per pillar, staggered 3-year terms, each starting at a General Assembly."""
    eligible = (CompanyStatus.CERTIFIED_MEMBER, CompanyStatus.MEMBER, CompanyStatus.TRANSITIONAL_MEMBER)
    orgs: dict[Pillar, list[tuple[MemberId, date]]] = {
        Pillar.PSC: sorted((c.id, c.joined) for c in b.companies if c.status in eligible),
        Pillar.CSO: [(c.id, c.joined) for c in civil_society if c.status is MembershipStatus.ACTIVE],
        Pillar.GOVERNMENT: [(g.id, g.joined) for g in governments],
    }
    directors = []
    for pillar in Pillar:
        for seat, terms in enumerate(SEAT_TERMS, start=1):
            for start_index in terms:
                start = GENERAL_ASSEMBLIES[start_index]
                end = start + relativedelta(years=3)
                if start_index + 3 < len(GENERAL_ASSEMBLIES):
                    end = GENERAL_ASSEMBLIES[start_index + 3]  # the seat's next election
                members_then = [m for m, joined in orgs[pillar] if joined < start]
                directors.append(
                    Director(
                        id=DirectorId(f"DIR-{pillar.value}-{seat}-{start.year}"),
                        name=b.person(),
                        pillar=pillar,
                        term_start=start,
                        term_end=end,
                        organisation=b.rng.choice(members_then),
                    )
                )
    return Board(directors=tuple(directors))


def _payments(
    b: _Builder, fees: FeeSchedule, governments: tuple[Government, ...], observers: tuple[Observer, ...]
) -> tuple[Payment, ...]:
    rng = b.rng
    out: list[Payment] = []
    bands = {band.name: band.annual_usd for band in fees.dues_bands}
    for c in b.companies:
        if c.joined.year >= 2023:
            paid = c.joined + timedelta(days=rng.randint(5, 25))
            if paid <= AS_OF:
                out.append(Payment(member=c.id, kind=FeeKind.JOINING, year=c.joined.year, amount_usd=1000, paid=paid))
        for year in (2025, 2026):
            if c.joined.year > year or (not c.status.is_active and c.status_since <= date(year, 4, 30)):
                continue
            if year == 2026 and (c.status is CompanyStatus.SUSPENDED or rng.random() < 0.15):
                continue  # 2026 dues not (yet) paid
            start = max(date(year, 1, 15), c.joined + timedelta(days=10))
            paid = _between(rng, start, max(start, date(year, 4, 30)))
            amount = bands[c.revenue_band or "A"]
            out.append(Payment(member=c.id, kind=FeeKind.ANNUAL_DUES, year=year, amount_usd=amount, paid=paid))
    for g in governments:
        if rng.random() < 0.7:
            out.append(
                Payment(
                    member=g.id,
                    kind=FeeKind.VOLUNTARY_CONTRIBUTION,
                    year=2025,
                    amount_usd=rng.randrange(25_000, 250_001, 5_000),
                    paid=_between(rng, date(2025, 2, 1), date(2025, 11, 30)),
                )
            )
    for o in observers:
        if not o.fee_waived:
            paid = _between(rng, date(2026, 1, 15), date(2026, 3, 31))
            out.append(
                Payment(member=o.id, kind=FeeKind.OBSERVER, year=2026, amount_usd=fees.observer_annual_usd, paid=paid)
            )
    return tuple(out)


def _agree_with_rules(doc: RegistryDocument) -> RegistryDocument:
    """The sample's statuses must be what the default rules derive from its own history (a test
    asserts it): where a rule would have contradicted a record, the record is made consistent.

    - a member suspended as a member after its deadline had no satisfactory self-assessment then;
    - a case still in corrective action past its plan's deadline is in suspension proceedings;
    - a corrective action plan implemented after its deadline had a later one.
    """
    from icoc.registry import Registry

    for _ in range(5):
        found = Registry.from_document(doc).discrepancies
        if not found:
            return doc
        companies = list(doc.companies)
        cases = list(doc.cases)
        plans = list(doc.corrective_action_plans)
        assessments = list(doc.self_assessments)
        for d in found:
            if d.path.startswith("$.companies[") and d.path.endswith(".suspended_from"):
                # Its self-assessments before the deadline were not satisfactory: no move to
                # Affiliate, a termination proposal instead (which changes no status).
                assessments = [
                    attrs.evolve(sa, satisfactory=False)
                    if sa.company == d.subject and sa.satisfactory and sa.due < d.on
                    else sa
                    for sa in assessments
                ]
            elif d.rule == "ART12.CAP_DEADLINE":
                c = next(c for c, case in enumerate(cases) if case.id == d.subject)
                if cases[c].closed is None:  # still open: the Board opened suspension proceedings
                    cases[c] = attrs.evolve(cases[c], stage=CaseStage.SUSPENSION_PROCEEDINGS)
                else:  # implemented after its deadline: the deadline was a later one
                    k = next(k for k, p in enumerate(plans) if p.case == d.subject)
                    end = cases[c].closed
                    plans[k] = attrs.evolve(plans[k], deadline=max(plans[k].deadline, end + timedelta(days=30)))
            else:
                raise SystemExit(f"sample: the rules contradict a record the generator cannot mend: {d}")
        doc = attrs.evolve(
            doc,
            companies=tuple(companies),
            cases=tuple(cases),
            corrective_action_plans=tuple(plans),
            self_assessments=tuple(assessments),
        )
    raise SystemExit("sample: the records still contradict the rules after five rounds")


def _since_from_records(doc: RegistryDocument) -> RegistryDocument:
    """Each company's ``status_since`` is the day its records put it in its status, as the rules
    read them on the sample's date (a certification that lapsed and was granted again makes the
    company a certified member from the new grant, not from the first): the document and a live
    registry built from it answer "since when" alike (a test asserts it)."""
    from icoc.registry import Registry

    live = Registry.from_document(doc)
    live.advance_to(doc.as_of)
    companies = []
    for c in doc.companies:
        inst = live.instance("company-status", c.id)
        if inst is None or inst.state != c.status.value:
            raise SystemExit(f"sample: {c.id} is {c.status.value} in the document, not in its records")
        companies.append(attrs.evolve(c, status_since=inst.since) if inst.since != c.status_since else c)
    out = attrs.evolve(doc, companies=tuple(companies))
    if Registry.from_document(out).discrepancies:
        raise SystemExit("sample: the records contradict the rules once the companies' dates are mended")
    return out


def render(doc: RegistryDocument) -> str:
    """The file's text, exactly as :func:`icoc.io.dump` writes it."""
    return icoc.io.dumps(doc, audience=icoc.io.Audience.FULL) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="only check that the committed file is up to date")
    parser.add_argument("--out", type=Path, default=OUT, help=f"where to write (default {OUT})")
    args = parser.parse_args(argv)
    doc = build()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != render(doc):
            print(f"{args.out} is out of date: run python scripts/make_sample.py", file=sys.stderr)
            return 1
        print(f"{args.out} is up to date")
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    icoc.io.dump(doc, args.out, audience=icoc.io.Audience.FULL)
    print(
        f"wrote {args.out}: {len(doc.companies)} companies, {len(doc.certificates)} certificates, "
        f"{len(doc.cases)} cases, {len(doc.complaints)} complaints"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
