"""Registry documents carry what the events carry (issue #16, reviewer's gaps A, B, F, G, H):
grounds of suspension, termination and withdrawal; complaints about companies not on record or
naming none, and complaints closed as not admissible; the public ground in explanations and
decisions; re-election limits after an import; the monitoring report's totals and CSV."""

from __future__ import annotations

import contextlib
import csv
import io as _io
import json
from collections import Counter
from datetime import date
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import icoc
import icoc.io
from icoc.cli import main
from icoc.eligibility import check
from icoc.errors import IllegalTransition, InvalidInput
from icoc.importing import events_from_document
from icoc.io import Audience
from icoc.model import (
    CivilSocietyOrganisation,
    Company,
    Complaint,
    ComplaintKind,
    ComplaintStage,
    Government,
    GovernmentKind,
    RegistryDocument,
)
from icoc.model.events import (
    ComplaintClassified,
    ComplaintClosed,
    ComplaintReceived,
    DirectorElected,
    Ground,
    NominationsOpened,
    Suspended,
    Terminated,
    Withdrew,
)
from icoc.model.governance import Board, Director
from icoc.registry import Registry
from icoc.report import monitoring_report

AS_OF = date(2023, 7, 1)
JOINED = date(2019, 1, 1)
SECRET = "MRKsecretQ"


def _company(cid: str, status: str = "member", **fields: object) -> Company:
    since = fields.pop("status_since", date(2023, 3, 1))
    return Company(id=cid, name=cid.upper(), country="CH", joined=JOINED, status=status, status_since=since, **fields)


def _doc(*companies: Company, **fields: object) -> RegistryDocument:
    return RegistryDocument(as_of=AS_OF, companies=companies, **fields)


# --- A: grounds on the company record ------------------------------------------------------------


def test_a_documents_grounds_and_reasons_reach_the_events_and_the_report() -> None:
    doc = _doc(
        _company("acme"),
        _company("bravo", "terminated", status_ground="self_assessment_not_submitted", status_reason=SECRET),
        _company("charlie", "terminated", status_ground="non_payment_of_dues"),
        _company("delta", "terminated"),  # no ground: other, as before
        _company("echo", "suspended", suspended_from="member", status_ground="not_cooperating_in_good_faith"),
        _company("fox", "withdrawn", status_ground="certification_deadline"),
    )
    events = {e.subject: e for e in events_from_document(doc) if isinstance(e, (Suspended, Terminated, Withdrew))}
    assert events["bravo"].ground is Ground.SELF_ASSESSMENT_NOT_SUBMITTED
    assert isinstance(events["bravo"], Terminated) and events["bravo"].reason == SECRET
    assert events["delta"].ground is Ground.OTHER and "as recorded" in events["delta"].reason  # type: ignore[union-attr]
    assert isinstance(events["echo"], Suspended) and events["echo"].ground is Ground.NOT_COOPERATING_IN_GOOD_FAITH
    assert isinstance(events["fox"], Withdrew) and events["fox"].ground is Ground.CERTIFICATION_DEADLINE
    report = monitoring_report(Registry.from_document(doc), 2023, as_of=AS_OF)
    grounds = report.counts("terminations_by_ground")
    assert grounds[("self_assessment_not_submitted",)] == 1
    assert grounds[("non_payment_of_dues",)] == 1
    assert grounds[("other",)] == 1
    assert report.table("terminations_by_ground").total == 3
    assert SECRET not in report.text() + json.dumps(report.data())


def test_a_ground_or_reason_on_the_wrong_status_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidInput, match=r"Company\.status_ground: only a suspended, terminated or withdrawn"):
        _company("acme", status_ground="other")
    with pytest.raises(InvalidInput, match=r"Company\.status_reason: only a suspended, terminated or withdrawn"):
        _company("acme", status_reason="why")
    # A withdrawal's free text (company-level) reaches the Withdrew event the import writes.
    left = _doc(_company("acme", "withdrawn", status_reason="moving on"))
    withdrew = next(e for e in icoc.Registry.from_document(left, rules=None).history if e.TYPE == "withdrew")
    assert withdrew.reason == "moving on"  # type: ignore[attr-defined]
    with pytest.raises(InvalidInput, match="status_ground"):
        _company("acme", "terminated", status_ground="unpaid")


def test_the_reason_is_company_level_and_the_ground_public_in_exports() -> None:
    doc = _doc(_company("bravo", "terminated", status_ground="non_payment_of_dues", status_reason=SECRET))
    public = icoc.io.dumps(doc, audience=Audience.PUBLIC)
    assert "non_payment_of_dues" in public and SECRET not in public
    assert SECRET in icoc.io.dumps(doc, audience=Audience.company("bravo"))
    assert SECRET not in icoc.io.dumps(doc, audience=Audience.company("acme"))
    assert SECRET not in repr(doc.companies[0])
    assert icoc.io.loads(icoc.io.dumps(doc, audience=Audience.FULL), RegistryDocument) == doc


def test_a_document_written_before_grounds_still_loads_with_ground_other(tmp_path: Path) -> None:
    old = {
        "as_of": "2023-07-01",
        "companies": [
            {
                "id": "bravo",
                "name": "Bravo",
                "country": "CH",
                "joined": "2019-01-01",
                "status": "terminated",
                "status_since": "2023-03-01",
            }
        ],
        "complaints": [
            {"id": "cp-1", "company": "bravo", "received": "2023-01-05", "kind": "alleged_harm", "stage": "classified"}
        ],
    }
    doc = icoc.io.structure(old, RegistryDocument)
    assert doc.companies[0].status_ground is None and doc.complaints[0].company_name is None
    (ended,) = (e for e in events_from_document(doc) if isinstance(e, Terminated))
    assert ended.ground is Ground.OTHER


_STATUSES = st.sampled_from(["suspended", "terminated", "withdrawn"])


@settings(max_examples=40, deadline=None)
@given(
    records=st.lists(st.tuples(_STATUSES, st.none() | st.sampled_from(list(Ground))), min_size=1, max_size=6),
)
def test_the_report_counts_a_documents_terminations_by_their_grounds(
    records: list[tuple[str, Ground | None]],
) -> None:
    """Every terminated company of the document is counted once, under its ground (absent: other)."""
    companies = [
        _company(
            f"c{i}",
            status,
            status_ground=ground,
            suspended_from="member" if status == "suspended" else None,
        )
        for i, (status, ground) in enumerate(records)
    ]
    doc = _doc(*companies)
    report = monitoring_report(Registry.from_document(doc, rules=None), 2023, as_of=AS_OF)
    expected = Counter((g or Ground.OTHER).value for s, g in records if s == "terminated")
    assert {k[0]: n for k, n in report.counts("terminations_by_ground").items() if n} == dict(expected)
    assert report.table("terminations_by_ground").total == sum(expected.values())
    for c, (_status, ground) in zip(companies, records, strict=True):
        (ending,) = (e for e in events_from_document(doc) if e.subject == c.id and hasattr(e, "ground"))
        assert ending.ground is (ground or Ground.OTHER)


# --- F: the ground where users look, never the reason -------------------------------------------


@settings(max_examples=30, deadline=None)
@given(status=_STATUSES, ground=st.sampled_from(list(Ground)))
def test_explain_and_decisions_name_the_ground_but_never_the_reason(status: str, ground: Ground) -> None:
    reason = SECRET if status != "withdrawn" else None
    doc = _doc(
        _company(
            "bravo",
            status,
            status_ground=ground,
            status_reason=reason,
            suspended_from="member" if status == "suspended" else None,
        )
    )
    reg = Registry.from_document(doc)
    ex = reg.explain("bravo")
    text = ex.text(Audience.PUBLIC)
    assert f"ground: {ground.value}" in text
    public_json = icoc.io.dumps(ex, audience=Audience.PUBLIC)
    assert f'"ground": "{ground.value}"' in public_json
    decision = check(reg, "bravo", as_of=AS_OF)
    assert f"ground {ground.value}" in decision.text()
    for out in (text, public_json, decision.text(), icoc.io.dumps(decision, audience=Audience.PUBLIC)):
        assert SECRET not in out


def test_explain_on_the_command_line_names_the_ground(tmp_path: Path) -> None:
    doc = _doc(_company("bravo", "terminated", status_ground="non_payment_of_dues", status_reason=SECRET))
    path = tmp_path / "doc.json"
    icoc.io.dump(doc, path, audience=Audience.FULL)
    out = _cli(["explain", str(path), "bravo"])
    assert "ground: non_payment_of_dues" in out and SECRET not in out
    out = _cli(["check", str(path), "--as-of", AS_OF.isoformat(), "--format", "json"])
    assert "non_payment_of_dues" in out and SECRET not in out


# --- B: complaints as received -------------------------------------------------------------------


def test_complaints_about_non_members_and_no_company_are_imported_counted_and_never_linked() -> None:
    doc = _doc(
        _company("acme"),
        complaints=(
            Complaint(id="cp-1", company="acme", received=date(2023, 1, 5), kind="alleged_harm", stage="classified"),
            Complaint(
                id="cp-2",
                company_name="Outside Guards",
                received=date(2023, 2, 1),
                kind="alleged_harm",
                stage="referred",
                route="icoca_good_offices",
            ),
            Complaint(id="cp-3", received=date(2023, 3, 1)),  # received, no company, unclassified
            Complaint(
                id="cp-4", company_name=SECRET, received=date(2023, 3, 2), stage="closed", closed=date(2023, 4, 1)
            ),  # closed as not admissible
            Complaint(id="cp-5", company="acme", received=date(2023, 3, 3), stage="closed", closed=date(2023, 4, 2)),
        ),
    )
    events = events_from_document(doc)
    received = {e.subject: e for e in events if isinstance(e, ComplaintReceived)}
    assert received["cp-2"].company is None and received["cp-2"].company_name == "Outside Guards"
    assert received["cp-3"].company is None and received["cp-3"].company_name is None
    classified = {e.subject for e in events if isinstance(e, ComplaintClassified)}
    assert classified == {"cp-1", "cp-2"}
    assert {e.subject for e in events if isinstance(e, ComplaintClosed)} == {"cp-4", "cp-5"}
    reg = Registry.from_document(doc)
    assert {c: reg.state_of(c) for c in ("cp-2", "cp-3", "cp-4")} == {
        "cp-2": "referred",
        "cp-3": "received",
        "cp-4": "closed",
    }
    counts = monitoring_report(reg, 2023, as_of=AS_OF).counts("complaints")
    assert counts[("admissible", "member")] == 1
    assert counts[("admissible", "non_member")] == 1
    assert counts[("pending", "unidentified")] == 1
    assert counts[("not_admissible", "non_member")] == 1
    assert counts[("not_admissible", "member")] == 1
    assert SECRET not in repr(doc.complaints[3]) and SECRET not in icoc.io.dumps(doc, audience=Audience.MEMBERS)


def test_a_complaint_without_a_company_on_record_cannot_be_linked_to_a_case() -> None:
    with pytest.raises(InvalidInput, match=r"Complaint\.compliance_case: a complaint that names no company"):
        Complaint(id="cp-1", received=date(2023, 1, 1), compliance_case="case-1")
    with pytest.raises(InvalidInput, match=r"Complaint\.company_name: names a company that is not on record"):
        Complaint(id="cp-1", company="acme", company_name="Acme", received=date(2023, 1, 1))
    from icoc.model import CaseStage, ComplianceCase, ConcernCategory, FindingSource

    with pytest.raises(InvalidInput, match=r"cases\[0\]\.complaint: complaint 'cp-1' names no company on record"):
        _doc(
            _company("acme"),
            complaints=(Complaint(id="cp-1", received=date(2023, 1, 1)),),
            cases=(
                ComplianceCase(
                    id="case-1",
                    company="acme",
                    opened=date(2023, 2, 1),
                    source=FindingSource.COMPLAINT,
                    category=ConcernCategory.OTHER,
                    complaint="cp-1",
                    stage=CaseStage.CONCERN,
                ),
            ),
        )


def test_kind_is_required_once_classified_and_never_with_a_route_or_outcome_missing_it() -> None:
    for stage in ("classified", "referred", "remedied", "unresolved"):
        extra = {"route": "other"} if stage != "classified" else {}
        if stage in ("remedied", "unresolved"):
            extra["outcome"] = stage
        with pytest.raises(InvalidInput, match=r"Complaint\.kind: a complaint at stage .* was classified"):
            Complaint(id="cp-1", company="acme", received=date(2023, 1, 1), stage=stage, **extra)
    with pytest.raises(InvalidInput, match=r"Complaint\.kind: a complaint with a route or an outcome"):
        Complaint(id="cp-1", received=date(2023, 1, 1), stage="closed", closed=date(2023, 2, 1), route="other")
    assert Complaint(id="cp-1", received=date(2023, 1, 1)).kind is None
    assert (
        Complaint(id="cp-1", received=date(2023, 1, 1), kind=ComplaintKind.ALLEGED_HARM).stage
        is ComplaintStage.RECEIVED
    )


# --- G: re-election limits after an import ------------------------------------------------------


def _board_doc(*directors: Director) -> RegistryDocument:
    return RegistryDocument(
        as_of=AS_OF,
        civil_society=(CivilSocietyOrganisation(id="ngo", name="NGO", country="CH", joined=date(2015, 1, 1)),),
        board=Board(directors=directors),
    )


def _director(did: str, start: date, end: date, pillar: str = "cso") -> Director:
    org = "ngo" if pillar == "cso" else None
    return Director(id=did, name=did.upper(), pillar=pillar, term_start=start, term_end=end, organisation=org)


@pytest.mark.parametrize("rules", [True, False])
def test_an_outgoing_director_of_a_vacant_seat_is_not_reelected_after_an_import(rules: bool) -> None:
    doc = _board_doc(_director("d-old", date(2020, 7, 1), date(2023, 6, 30)))
    reg = Registry.from_document(doc, **({} if rules else {"rules": None}))
    seats = {s: reg.state_of(s) for s in reg.snapshot().subjects() if s.startswith("seat-cso")}
    assert sorted(seats.values()) == ["term_ended", "vacant", "vacant", "vacant"]
    seat = next(s for s, state in seats.items() if state == "term_ended")
    reg.submit(NominationsOpened(subject=seat, effective=date(2023, 7, 2)))
    with pytest.raises(IllegalTransition, match="outgoing director") as info:
        reg.submit(DirectorElected(subject=seat, effective=date(2023, 8, 1), director="d-old", name="D"))
    assert "board.reelection.cso" in str(info.value)
    # Where the pillar's parameter allows it (PSC), the same import leaves re-election open.
    doc = _board_doc(_director("p-old", date(2020, 7, 1), date(2023, 6, 30), pillar="psc"))
    reg = Registry.from_document(doc, **({} if rules else {"rules": None}))
    seat = next(s for s in reg.snapshot().subjects() if s.startswith("seat-psc") and reg.state_of(s) == "term_ended")
    reg.submit(NominationsOpened(subject=seat, effective=date(2023, 7, 2)))
    reg.submit(DirectorElected(subject=seat, effective=date(2023, 8, 1), director="p-old", name="P"))


def test_only_the_latest_outgoing_directors_fill_the_vacant_seats() -> None:
    sitting = [_director(f"s{i}", date(2022, 1, 1), date(2025, 1, 1)) for i in range(3)]
    older = _director("old", date(2016, 1, 1), date(2019, 1, 1))
    latest = _director("late", date(2020, 1, 1), date(2023, 1, 1))
    reg = Registry.from_document(_board_doc(*sitting, older, latest))
    elected = {e.director for e in reg.history if isinstance(e, DirectorElected)}
    assert elected == {"s0", "s1", "s2", "late"}
    # The older one's seat was refilled in the meantime: its re-election is the parameter's only
    # where it is the seat's latest director, which the document cannot show.
    assert sorted(reg.state_of(s) for s in reg.snapshot().subjects() if s.startswith("seat-cso")) == [
        "in_office",
        "in_office",
        "in_office",
        "term_ended",
    ]


def test_a_past_term_the_board_could_not_have_seated_is_skipped() -> None:
    too_long = _director("long", date(2018, 1, 1), date(2022, 1, 2))  # over three years
    reg = Registry.from_document(_board_doc(too_long))
    assert not any(isinstance(e, DirectorElected) for e in reg.history)


# --- H: the monitoring report's totals, pillars and CSV -----------------------------------------


def _cli(argv: list[str]) -> str:
    out, err = _io.StringIO(), _io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        main(argv)
    return out.getvalue() + err.getvalue()


def test_the_report_counts_cso_and_government_members_and_totals(tmp_path: Path) -> None:
    doc = attrs.evolve(
        _doc(_company("acme"), _company("bravo", "terminated", status_ground="non_payment_of_dues")),
        civil_society=(
            CivilSocietyOrganisation(id="ngo", name="NGO", country="CH", joined=JOINED),
            CivilSocietyOrganisation(
                id="ngo2", name="NGO 2", country="FR", joined=JOINED, status="withdrawn", status_since=date(2023, 2, 1)
            ),
        ),
        governments=(Government(id="ch", name="Switzerland", kind=GovernmentKind.STATE, country="CH", joined=JOINED),),
    )
    report = monitoring_report(Registry.from_document(doc), 2023, as_of=AS_OF)
    others = report.counts("other_members_by_status")
    assert others[("cso", "active")] == 1 and others[("cso", "withdrawn")] == 1
    assert others[("government", "active")] == 1 and report.table("other_members_by_status").total == 3
    assert report.data()["totals"]["members_by_status"] == 2
    assert "  total" in report.table("members_by_status").text()
    path = tmp_path / "doc.json"
    icoc.io.dump(doc, path, audience=Audience.FULL)
    rows = list(
        csv.DictReader(_io.StringIO(_cli(["report", "monitoring", str(path), "--year", "2023", "--format", "csv"])))
    )
    assert {r["as_of"] for r in rows} == {AS_OF.isoformat()} and {r["complete"] for r in rows} == {"false"}
    totals = {r["table"]: int(r["count"]) for r in rows if r["labels"] == "total"}
    assert totals["terminations_by_ground"] == 1 and totals["other_members_by_status"] == 3
    assert totals["members_by_status"] == 2
    for table, total in totals.items():
        assert sum(int(r["count"]) for r in rows if r["table"] == table and r["labels"] != "total") == total
