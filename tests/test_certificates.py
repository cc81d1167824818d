"""Several external certificates per company; body acceptance per standard and date; the
external-certificate policy requirement (issue #12)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import icoc
from icoc.eligibility import Requirement, Result, check, policy_from_data
from icoc.errors import IllegalTransition, InvalidInput
from icoc.model import ExternalCertificate
from icoc.model.events import (
    Event,
    ExternalCertificateRecorded,
    IcocaApplicationSubmitted,
    IcocaCertificationGranted,
)
from icoc.model.standards import AccreditationRoute, BodyAcceptance, CertificationBody
from test_rules import admit, csa

AS_OF = date(2026, 3, 1)
CB_BOTH = CertificationBody(
    id="cb-both",
    name="Both Standards Ltd",
    accreditation_body="UKAS",
    route=AccreditationRoute.DIRECT_TO_STANDARD,
    acceptances=(
        BodyAcceptance(standard="PSC.1-2012", accepted_from=date(2015, 1, 1)),
        BodyAcceptance(standard="ISO-28007", accepted_from=date(2015, 1, 1)),
        BodyAcceptance(standard="ISO-18788", accepted_from=date(2016, 1, 1)),
    ),
)
CB_SEA = CertificationBody(
    id="cb-sea",
    name="Sea Only GmbH",
    accreditation_body="DAkkS",
    route=AccreditationRoute.ISO_17021_PLUS_ICOCA,
    acceptances=(BodyAcceptance(standard="ISO-28007", accepted_from=date(2024, 2, 1), source="ICoCA, Feb 2024"),),
)


def cert(cid: str, standard: str, body: str, issued: date) -> ExternalCertificate:
    return ExternalCertificate(
        id=f"{cid}-{standard}", company=cid, standard=standard, body=body, issued=issued, expires=date(2027, 6, 1)
    )


def record(cid: str, x: ExternalCertificate, on: date) -> ExternalCertificateRecorded:
    return ExternalCertificateRecorded(subject=cid, effective=on, certificate=x)


def certified_company(order: list[str]) -> icoc.Registry:
    """A member certified by ICoCA on its first certificate, recording both certificates in ``order``."""
    reg = icoc.Registry(certification_bodies=(CB_BOTH, CB_SEA))
    admit(reg, "acme", date(2022, 1, 5))
    on = date(2024, 3, 1)
    certs = {s: cert("acme", s, "cb-both", on) for s in ("PSC.1-2012", "ISO-28007")}
    first, second = (certs[s] for s in order)
    events: list[Event] = [
        record("acme", first, on),
        IcocaApplicationSubmitted(subject="acme", effective=on),
        IcocaCertificationGranted(subject="acme", effective=on, certification="acme-i", expires=date(2027, 6, 1)),
        record("acme", second, date(2024, 4, 1)),
    ]
    reg.submit_all(events)
    csa(reg, "acme", 2025, True)
    reg.advance_to(AS_OF)
    return reg


@pytest.mark.parametrize("order", [["PSC.1-2012", "ISO-28007"], ["ISO-28007", "PSC.1-2012"]])
def test_psc1_and_iso28007_pass_maritime_whichever_was_recorded_first(order: list[str]) -> None:
    reg = certified_company(order)
    d = check(reg, "acme", "maritime", as_of=AS_OF)
    assert d.eligible, d.text()
    reason = next(o.reason for o in d.outcomes if o.requirement == "iso-28007")
    assert "acme-ISO-28007" in reason and "cb-both" in reason and "2027-06-01" in reason
    assert len(list(reg.instances("external-certificate"))) == 2


def test_recording_a_certificate_is_legal_when_icoca_certified() -> None:
    reg = certified_company(["PSC.1-2012", "ISO-28007"])
    assert reg.instance("certification", "acme").state == "icoca_certified"  # type: ignore[union-attr]


@settings(max_examples=30, deadline=None)
@given(
    perm=st.permutations(["PSC.1-2012", "ISO-28007", "ISO-18788"]),
    days=st.lists(st.integers(0, 200), min_size=3, max_size=3),
    policy=st.sampled_from(["maritime", "certified-member", "icoca-good-standing"]),
)
def test_eligibility_does_not_depend_on_the_order_of_independent_recordings(
    perm: list[str], days: list[int], policy: str
) -> None:
    """Certificates recorded in any order on any dates (after the grant) decide the same."""

    def build(order: list[str]) -> icoc.Registry:
        reg = icoc.Registry(certification_bodies=(CB_BOTH, CB_SEA))
        admit(reg, "acme", date(2022, 1, 5))
        on = date(2024, 3, 1)
        base = cert("acme", "PSC.1-2012", "cb-both", on)
        reg.submit_all(
            [
                ExternalCertificateRecorded(subject="acme", effective=on, certificate=attrs_evolve(base, id="base")),
                IcocaApplicationSubmitted(subject="acme", effective=on),
                IcocaCertificationGranted(subject="acme", effective=on, certification="i", expires=date(2027, 6, 1)),
            ]
        )
        bodies = {"PSC.1-2012": "cb-both", "ISO-28007": "cb-sea", "ISO-18788": "cb-both"}
        events = [
            record("acme", cert("acme", s, bodies[s], date(2024, 3, 1)), date.fromordinal(on.toordinal() + 1 + d))
            for s, d in zip(order, sorted(days), strict=True)
        ]
        reg.submit_all(events)
        csa(reg, "acme", 2025, True)
        reg.advance_to(AS_OF)
        return reg

    a = check(build(perm), "acme", policy, as_of=AS_OF)
    b = check(build(sorted(perm)), "acme", policy, as_of=AS_OF)
    assert a.eligible == b.eligible
    assert [o.result for o in a.outcomes] == [o.result for o in b.outcomes]


def attrs_evolve(x: ExternalCertificate, **kw: object) -> ExternalCertificate:
    import attrs

    return attrs.evolve(x, **kw)  # type: ignore[arg-type]


def test_body_not_accepted_for_the_standard_on_the_issue_date_is_refused_and_nothing_applied() -> None:
    reg = icoc.Registry(certification_bodies=(CB_BOTH, CB_SEA))
    admit(reg, "acme", date(2022, 1, 5))
    before = len(reg.history)
    # cb-sea is accepted for ISO 28007 only, and only from 2024-02-01.
    for bad, words in (
        (cert("acme", "PSC.1-2012", "cb-sea", date(2024, 3, 1)), "ISO-28007 only"),
        (cert("acme", "ISO-28007", "cb-sea", date(2024, 1, 15)), "2024-02-01"),
    ):
        with pytest.raises(IllegalTransition, match=words):
            reg.submit(record("acme", bad, date(2024, 3, 1)))
        assert len(reg.history) == before
        assert reg.instance("certification", "acme") is None
    reg.submit(record("acme", cert("acme", "ISO-28007", "cb-sea", date(2024, 2, 1)), date(2024, 3, 1)))
    assert reg.instance("certification", "acme").state == "externally_certified"  # type: ignore[union-attr]


def test_acceptance_dates_are_checked_when_built() -> None:
    with pytest.raises(InvalidInput):
        BodyAcceptance(standard="ISO-28007", accepted_from=date(2024, 2, 1), accepted_until=date(2024, 1, 1))
    a = BodyAcceptance(standard="ISO-28007", accepted_from=date(2024, 2, 1), accepted_until=date(2025, 2, 1))
    assert a.covers("ISO-28007", date(2024, 2, 1)) and not a.covers("ISO-28007", date(2025, 2, 1))
    assert not a.covers("PSC.1-2012", date(2024, 6, 1))


def test_external_certificate_requirement_without_icoca_certification() -> None:
    policy = policy_from_data(
        {
            "id": "shipping",
            "title": "ISO 28007 from an accepted body",
            "requirements": [
                {
                    "id": "iso-28007",
                    "title": "ISO 28007 certificate in force",
                    "check": "external_certificate",
                    "citation": "BIMCO guidance",
                    "standards": ["ISO-28007"],
                }
            ],
        }
    )
    reg = icoc.Registry(certification_bodies=(CB_BOTH, CB_SEA))
    admit(reg, "acme", date(2022, 1, 5))
    admit(reg, "none", date(2022, 1, 5))
    reg.submit(record("acme", cert("acme", "ISO-28007", "cb-sea", date(2024, 3, 1)), date(2024, 3, 1)))
    reg.advance_to(AS_OF)
    ok = check(reg, "acme", policy, as_of=AS_OF)
    assert ok.eligible and "cb-sea" in ok.text() and "2024-03-01" in ok.text()
    no = check(reg, "none", policy, as_of=AS_OF)
    assert not no.eligible and no.outcomes[-1].result is Result.FAILED and "ISO-28007" in no.text()
    reg.advance_to(date(2027, 7, 1))
    late = check(reg, "acme", policy, as_of=date(2027, 7, 1))
    assert not late.eligible and "expired on 2027-06-01" in late.text()
    with pytest.raises(InvalidInput):
        Requirement(id="x", title="x", check="external_certificate", citation="c", args={})
