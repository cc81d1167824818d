"""The default ICoCA rule set, each rule cited. Numbers come from dated parameters.

Periods are counted as Swiss law counts them (Code of Obligations, Art. 77): a period of months
starting on a day ends on the same-numbered day of its last month (or that month's last day), a
period of days ends that many days later, and the consequence falls on the next day
(``DayAfter(After(start, period))``)."""

from __future__ import annotations

from icoc.model.citation import Mark
from icoc.model.events import (
    CertificationExpired,
    Ground,
    MovedToAffiliate,
    SelfAssessmentMissed,
    SuspensionProceedingsOpened,
    SwissRejoinWindowClosed,
    TermEnded,
    TerminationProposed,
)
from icoc.model.members import ACTIVE_STATUSES, UNCERTIFIED_STATUSES
from icoc.rules import tags
from icoc.rules._conditions import F
from icoc.rules._due import After, DayAfter, EndOfCalendarYear, FactDate, Latest, Param, ParamDate
from icoc.rules._rule import Citation, Emit, Period, Rule, RuleSet

__all__ = ["DEFAULT_RULES"]

_ARTICLES = "ICoCA Articles of Association"
_MEMBERSHIP = "ICoCA membership rules"
_ART12 = "ICoCA Procedure for Reporting, Monitoring and Assessing Performance and Compliance (Art. 12)"
# ``standing``: the state, or during a suspension the state suspended from (a suspended member
# keeps its deadline).
_UNCERTIFIED = F("standing").in_(*(str(s) for s in UNCERTIFIED_STATUSES))
_DEADLINE = tags.CERTIFICATION_DEADLINE
_TAGS = frozenset({_DEADLINE})
_ACTIVE = F("company.status").in_(*(str(s) for s in ACTIVE_STATUSES))

CERT_DEADLINE_2016 = Rule(
    id="ART11.CERT_DEADLINE_2016",
    title="A PSC member not certified by the 2016 certification deadline faces termination",
    citation=Citation(document=_ARTICLES, article="Art. 3 and 11, deadline extended by the General Assembly 2016"),
    process="company-status",
    due=DayAfter(ParamDate("certification.deadline_2016")),
    when=F("standing") == "member",
    then=Emit(
        event=TerminationProposed,
        payload={"reason": "not certified by the 2016 certification deadline", "ground": Ground.CERTIFICATION_DEADLINE},
    ),
    effective=Period(start=None, end_before="regimes.transitional.start"),
    obligation=_DEADLINE,
    tags=_TAGS,
    text="The PSC certification deadline is extended to 30 September 2018.",
)

TRANSITIONAL_DEADLINE = Rule(
    id="ART3.TRANSITIONAL_DEADLINE",
    title=(
        "A Transitional Member not certified within the transitional period (counted from the regime's start "
        "or from joining, if later) faces termination"
    ),
    citation=Citation(document=_ARTICLES, article="Art. 3 (2017 amendment: Transitional Members)"),
    process="company-status",
    due=DayAfter(
        After(
            Latest((ParamDate("regimes.transitional.start"), FactDate("company.joined"))),
            Param("certification.transitional_period"),
        )
    ),
    when=_UNCERTIFIED,
    then=Emit(
        event=TerminationProposed,
        payload={"reason": "not certified within the transitional period", "ground": Ground.CERTIFICATION_DEADLINE},
    ),
    effective=Period(start="regimes.transitional.start", end_before="regimes.current.start"),
    obligation=_DEADLINE,
    covers_existing=True,
    tags=_TAGS,
    text=(
        "Uncertified companies are Transitional Members with at most 2 years to certify, counted from "
        "15 April 2018 or from joining if later."
    ),
)

CERT_DEADLINE = Rule(
    id="ART3.CERT_DEADLINE",
    title="A Member not certified by 31 December of the set calendar year after joining faces termination",
    citation=Citation(document=_MEMBERSHIP, article="Member vs Affiliate: certification deadline"),
    process="company-status",
    due=DayAfter(
        EndOfCalendarYear(
            FactDate("company.joined"), "certification.calendar_years", "certification.count_joining_year"
        )
    ),
    when=_UNCERTIFIED,
    then=Emit(
        event=TerminationProposed,
        payload={
            "reason": "not ICoCA-certified by its certification deadline",
            "ground": Ground.CERTIFICATION_DEADLINE,
        },
    ),
    effective=Period(start="regimes.current.start"),
    obligation=_DEADLINE,
    covers_existing="regimes.current.covers_existing",
    tags=_TAGS,
    text="A Member must be ICoCA-certified by 31 December of the third calendar year after joining.",
)

CERT_DEADLINE_AFFILIATE = Rule(
    id="ART3.CERT_DEADLINE.AFFILIATE",
    title="...unless its latest self-assessment was satisfactory: it becomes an Affiliate",
    citation=Citation(document=_MEMBERSHIP, article="Member vs Affiliate: move to Affiliate"),
    process="company-status",
    # A suspended member cannot move while suspended: it gets the base rule's proposal instead.
    when=(F("csa.latest") == "satisfactory") & (F("state") != "suspended"),
    then=Emit(event=MovedToAffiliate, payload={"commitment_renewed": True}),
    exception_of="ART3.CERT_DEADLINE",
    text="One that misses it may become an Affiliate if its latest self-assessment was satisfactory.",
)

RECERTIFICATION = Rule(
    id="ART11.RECERTIFICATION",
    title="A certified member whose ICoCA certification lapses must be certified again within a period",
    citation=Citation(
        document=_ARTICLES,
        article="Art. 11; default for an unpublished rule (period after ISO/IEC 17021-1 cl. 9.6.3.2.5)",
        mark=Mark.PARAMETER,
    ),
    process="company-status",
    due=DayAfter(
        After(
            Latest((FactDate("certification_expired_on"), FactDate("certification_withdrawn_on")), known_only=True),
            Param("certification.recertification_period"),
        )
    ),
    when=(F("standing") == "member") & F("icoca_certification_granted_on").exists(),
    then=Emit(
        event=TerminationProposed,
        payload={
            "reason": "not ICoCA-certified again after its certification lapsed",
            "ground": Ground.CERTIFICATION_DEADLINE,
        },
    ),
    tags=_TAGS,
    text=(
        "Not published; default: a member whose ICoCA certification lapsed or was withdrawn after its "
        "certification deadline was met has a period to be certified again, not a new joining deadline."
    ),
)

RECERTIFICATION_AFFILIATE = Rule(
    id="ART11.RECERTIFICATION.AFFILIATE",
    title="...unless its latest self-assessment was satisfactory: it becomes an Affiliate",
    citation=Citation(document=_MEMBERSHIP, article="Member vs Affiliate: move to Affiliate", mark=Mark.INFERRED),
    process="company-status",
    when=(F("csa.latest") == "satisfactory") & (F("state") != "suspended"),
    then=Emit(event=MovedToAffiliate, payload={"commitment_renewed": True}),
    exception_of="ART11.RECERTIFICATION",
    text=(
        "One that misses its certification deadline may become an Affiliate if its latest self-assessment was "
        "satisfactory (applied to a lapsed certification by inference)."
    ),
)

CSA_MISSED = Rule(
    id="ART12.CSA_MISSED",
    title="An annual self-assessment not submitted by its due date is missed",
    citation=Citation(document=_ART12, article="annual company self-assessment"),
    process="self-assessment",
    due=DayAfter(FactDate("due")),
    when=F("state") == "sent",
    then=Emit(event=SelfAssessmentMissed, payload={"cycle": F("cycle")}),
    text="The annual company self-assessment is compulsory for members and affiliates and has a due date.",
    tags={tags.SELF_ASSESSMENT_MISSED},
)

CSA_MISSED_TERMINATION = Rule(
    id="ART12.CSA_MISSED.TERMINATION",
    title="A missed self-assessment still outstanding after the grace period leads to a termination proposal",
    # Not submitting the self-assessment is a termination ground in ICoCA's statistics; the time
    # after which it leads to a proposal is a parameter: the rule as a whole is inferred.
    citation=Citation(
        document=_ART12,
        article="annual company self-assessment (termination ground in ICoCA statistics)",
        mark=Mark.INFERRED,
    ),
    process="self-assessment",
    due=DayAfter(After(FactDate("self_assessment_missed_on"), Param("self_assessment.grace"))),
    when=(F("state") == "missed") & _ACTIVE,
    then=Emit(
        event=TerminationProposed,
        payload={"reason": "annual self-assessment not submitted", "ground": Ground.SELF_ASSESSMENT_NOT_SUBMITTED},
    ),
    text="Not submitting the annual self-assessment is a ground for termination.",
    tags={tags.SELF_ASSESSMENT_TERMINATION},
)

CERT_EXPIRY = Rule(
    id="ART11.CERT_EXPIRY",
    title="ICoCA certification lapses with the external certificate it rests on",
    citation=Citation(
        document=_ARTICLES,
        article="Art. 11; certification procedure (default for an unpublished rule)",
        mark=Mark.PARAMETER,
    ),
    process="certification",
    due=FactDate("lapses"),
    when=F("state").in_("externally_certified", "icoca_review", "icoca_certified", "suspended"),
    then=Emit(event=CertificationExpired, payload={"scope": F("scope")}),
    text=(
        "Not published; default: ICoCA certification is complementary to the external certificate and lapses "
        "at its expiry."
    ),
    tags={tags.CERTIFICATION_EXPIRY},
)

CAP_DEADLINE = Rule(
    id="ART12.CAP_DEADLINE",
    title="Corrective action not verified by its deadline opens suspension proceedings",
    citation=Citation(document=_ART12, article="corrective action and suspension proceedings", mark=Mark.INFERRED),
    process="compliance-case",
    due=DayAfter(After(FactDate("deadline"), Param("corrective_action.grace"))),
    when=F("state") == "corrective_action",
    then=Emit(
        event=SuspensionProceedingsOpened,
        payload={"reason": "corrective action plan past its deadline without verification"},
    ),
    text=(
        "The Board first recommends corrective action; on continued non-compliance it opens suspension "
        "proceedings (the deadline that marks it is not published)."
    ),
    tags={tags.CORRECTIVE_ACTION_DEADLINE},
)

SUSPENSION_UNREMEDIED = Rule(
    id="ART12.SUSPENSION_UNREMEDIED",
    title="A suspension not remedied within its period leads to a termination proposal",
    citation=Citation(document=_ART12, article="suspension and termination", mark=Mark.PARAMETER),
    process="company-status",
    due=DayAfter(After(FactDate("suspended_on"), Param("suspension.period"))),
    when=F("state") == "suspended",
    then=Emit(
        event=TerminationProposed,
        payload={"reason": "suspension not remedied within its period", "ground": Ground.NOT_COOPERATING_IN_GOOD_FAITH},
    ),
    text="Not published; default: a suspended company that does not remedy within a period faces termination.",
    tags={tags.SUSPENSION_DEADLINE},
)

SWISS_REJOIN = Rule(
    id="CH.PSSA_REJOIN_WINDOW",
    title="A Swiss PSC excluded or withdrawn has a period to rejoin before its activities are prohibited",
    citation=Citation(
        document="Swiss Federal Act on Private Security Services provided Abroad (PSSA)",
        article="membership of the ICoC Association",
    ),
    process="company-status",
    due=DayAfter(After(FactDate("since"), Param("swiss.rejoin_window"))),
    when=F("state").in_("terminated", "withdrawn") & (F("company.swiss_pssa") == True),  # noqa: E712
    then=Emit(event=SwissRejoinWindowClosed),
    text=(
        "Swiss PSCs operating abroad in complex environments must be ICoCA members; one excluded or withdrawn "
        "has 6 months to rejoin before its activities are prohibited."
    ),
    tags={tags.SWISS_REJOIN_WINDOW},
)

TERM_END = Rule(
    id="BOARD.TERM_END",
    title="A director's term ends by itself on its end date (the first day out of office)",
    citation=Citation(
        document=_ARTICLES,
        article="Board of Directors (directors elected by their pillar for a term of three years)",
    ),
    process="board-seat",
    # ``term_end`` is the first day out of office, as a document's ``Director.term_end`` (the
    # next term may start on it) and the ``term_length`` guard count it: the term ends that day.
    due=FactDate("term_end"),
    when=F("state") == "in_office",
    then=Emit(event=TermEnded, payload={"outgoing": F("director")}),
    text="Directors are elected by their pillar for a term of three years.",
    tags={tags.BOARD_TERM},
)

DEFAULT_RULES = RuleSet(
    (
        CERT_DEADLINE_2016,
        TRANSITIONAL_DEADLINE,
        CERT_DEADLINE,
        CERT_DEADLINE_AFFILIATE,
        RECERTIFICATION,
        RECERTIFICATION_AFFILIATE,
        CSA_MISSED,
        CSA_MISSED_TERMINATION,
        CERT_EXPIRY,
        CAP_DEADLINE,
        SUSPENSION_UNREMEDIED,
        SWISS_REJOIN,
        TERM_END,
    )
)
"""The rules ICoCA's texts imply, in the order ties on one date are broken."""
