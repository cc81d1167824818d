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
from icoc.model import ExternalCertificate, ServiceDomain
from icoc.model.events import (
    CertificationExpired,
    CertificationRenewed,
    Event,
    ExternalCertificateRecorded,
    ExternalCertificateReinstated,
    ExternalCertificateSuspended,
    ExternalCertificateWithdrawn,
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


# --- scopes: ICoCA certification per scope, resting on a certificate -------------------------

LAND, SEA = ServiceDomain.LAND, ServiceDomain.MARITIME
ON = date(2024, 3, 1)


def _two_scopes(land_expires: date = date(2027, 6, 1), sea_expires: date = date(2026, 1, 10)) -> icoc.Registry:
    """acme is certified by ICoCA in both scopes: land on PSC.1, maritime on ISO 28007."""
    reg = icoc.Registry(certification_bodies=(CB_BOTH, CB_SEA))
    admit(reg, "acme", date(2022, 1, 5))
    psc = attrs_evolve(cert("acme", "PSC.1-2012", "cb-both", ON), expires=land_expires)
    iso = attrs_evolve(cert("acme", "ISO-28007", "cb-sea", ON), expires=sea_expires)
    reg.submit_all(
        [
            record("acme", psc, ON),
            record("acme", iso, ON),
            IcocaApplicationSubmitted(subject="acme", effective=ON, scope=LAND),
            IcocaApplicationSubmitted(subject="acme", effective=ON, scope=SEA),
            IcocaCertificationGranted(
                subject="acme", effective=ON, certification="i-l", expires=land_expires, scope=LAND
            ),
            IcocaCertificationGranted(
                subject="acme", effective=ON, certification="i-m", expires=sea_expires, scope=SEA
            ),
        ]
    )
    return reg


def _states(reg: icoc.Registry) -> tuple[str | None, str | None, str | None]:
    land, sea = reg.certification("acme", LAND), reg.certification("acme", SEA)
    status = reg.instance("company-status", "acme")
    return (land.state if land else None, sea.state if sea else None, status.state if status else None)


def test_a_lapse_in_one_scope_leaves_the_other_certified() -> None:
    reg = _two_scopes()
    csa(reg, "acme", 2025, True)
    reg.advance_to(date(2026, 2, 1))
    assert _states(reg)[:2] == ("icoca_certified", "expired")
    assert reg.instance("company-status", "acme").state == "certified_member"  # type: ignore[union-attr]
    lapse = next(e for e in reg.history if isinstance(e, CertificationExpired))
    assert lapse.scope is SEA and lapse.effective == date(2026, 1, 10) and lapse.cause.rule == "ART11.CERT_EXPIRY"
    # The maritime policy still passes on the ISO 28007 certificate? No: it expired with it.
    assert not check(reg, "acme", "maritime", as_of=date(2026, 2, 1)).eligible
    assert check(reg, "acme", "certified-member", as_of=date(2026, 2, 1)).eligible
    reg.advance_to(date(2027, 7, 1))
    assert _states(reg)[:2] == ("expired", "expired")
    assert reg.instance("company-status", "acme").state == "member"  # type: ignore[union-attr]


def test_the_body_suspending_one_certificate_suspends_only_the_certification_resting_on_it() -> None:
    reg = _two_scopes(sea_expires=date(2027, 6, 1))
    reg.submit(
        ExternalCertificateSuspended(subject="acme", effective=date(2024, 6, 1), certificate_id="acme-ISO-28007")
    )
    assert _states(reg)[:2] == ("icoca_certified", "suspended")
    assert reg.instance("external-certificate", "acme@acme-ISO-28007").state == "suspended"  # type: ignore[union-attr]
    assert reg.instance("external-certificate", "acme@acme-PSC.1-2012").state == "valid"  # type: ignore[union-attr]
    d = check(reg, "acme", "maritime", as_of=date(2024, 6, 2))
    assert not d.eligible and "suspended" in d.text()
    reg.submit(
        ExternalCertificateReinstated(subject="acme", effective=date(2024, 7, 1), certificate_id="acme-ISO-28007")
    )
    assert _states(reg)[:2] == ("icoca_certified", "icoca_certified")
    again = check(reg, "acme", "maritime", as_of=date(2024, 7, 2))
    assert next(o.result for o in again.outcomes if o.requirement == "iso-28007") is Result.PASSED


def test_the_body_withdrawing_a_certificate_withdraws_what_rests_on_it_only() -> None:
    reg = _two_scopes(sea_expires=date(2027, 6, 1))
    reg.submit(
        ExternalCertificateWithdrawn(subject="acme", effective=date(2024, 6, 1), certificate_id="acme-PSC.1-2012")
    )
    assert _states(reg)[:2] == ("withdrawn", "icoca_certified")
    assert reg.instance("company-status", "acme").state == "certified_member"  # type: ignore[union-attr]
    reg.submit(
        ExternalCertificateWithdrawn(subject="acme", effective=date(2024, 7, 1), certificate_id="acme-ISO-28007")
    )
    assert reg.instance("company-status", "acme").state == "member"  # type: ignore[union-attr]
    # A certificate nothing rests on: only the certificate moves; one not on record is refused.
    with pytest.raises(IllegalTransition):
        reg.submit(ExternalCertificateWithdrawn(subject="acme", effective=date(2024, 8, 1), certificate_id="nope"))


def test_a_renewal_moves_only_the_certification_of_its_scope() -> None:
    reg = _two_scopes()
    renewed = attrs_evolve(
        cert("acme", "ISO-28007", "cb-sea", date(2025, 12, 1)), id="acme-iso-2", expires=date(2028, 12, 1)
    )
    reg.submit(CertificationRenewed(subject="acme", effective=date(2025, 12, 1), certificate=renewed))
    sea = reg.certification("acme", SEA)
    assert sea is not None and sea.data["certificate"].id == "acme-iso-2"
    land = reg.certification("acme", LAND)
    assert land is not None and land.data["certificate"].id == "acme-PSC.1-2012"
    reg.advance_to(date(2026, 2, 1))  # the old ISO 28007 certificate's expiry no longer ends it
    assert _states(reg)[:2] == ("icoca_certified", "icoca_certified")


def test_icoca_certified_in_a_scope() -> None:
    policy = policy_from_data(
        {
            "id": "sea",
            "title": "ICoCA certified for maritime work",
            "requirements": [
                {"id": "sea", "title": "maritime", "check": "icoca_certified", "citation": "c", "scopes": ["maritime"]}
            ],
        }
    )
    reg = _two_scopes()
    assert check(reg, "acme", policy, as_of=date(2025, 1, 1)).eligible
    csa(reg, "acme", 2025, True)
    reg.advance_to(date(2026, 2, 1))
    d = check(reg, "acme", policy, as_of=date(2026, 2, 1))
    assert not d.eligible and "expired" in d.text()
    with pytest.raises(InvalidInput, match="scopes"):
        Requirement(id="x", title="x", check="icoca_certified", citation="c", args={"scopes": ("air",)})


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_the_two_scopes_do_not_depend_on_the_order_their_events_interleave(data: st.DataObject) -> None:
    """Each scope's events keep their own order; how the two scopes' same-day events interleave
    changes nothing: states, history replay and every policy's decision."""
    psc = cert("acme", "PSC.1-2012", "cb-both", ON)
    iso = cert("acme", "ISO-28007", "cb-sea", ON)
    land = [
        record("acme", psc, ON),
        IcocaApplicationSubmitted(subject="acme", effective=ON, scope=LAND),
        IcocaCertificationGranted(
            subject="acme", effective=ON, certification="i-l", expires=date(2027, 6, 1), scope=LAND
        ),
    ]
    sea = [
        record("acme", iso, ON),
        IcocaApplicationSubmitted(subject="acme", effective=ON, scope=SEA),
        IcocaCertificationGranted(
            subject="acme", effective=ON, certification="i-m", expires=date(2027, 6, 1), scope=SEA
        ),
    ]
    picks = data.draw(st.permutations([0, 0, 0, 1, 1, 1]))
    chains = [list(land), list(sea)]
    merged = [chains[p].pop(0) for p in picks]

    def build(events: list[Event]) -> icoc.Registry:
        reg = icoc.Registry(certification_bodies=(CB_BOTH, CB_SEA))
        admit(reg, "acme", date(2022, 1, 5))
        for e in events:
            reg.submit(e)
        csa(reg, "acme", 2025, True)
        reg.advance_to(AS_OF)
        return reg

    a, b = build(merged), build([*land, *sea])
    assert _states(a) == _states(b)
    assert (
        icoc.Registry.from_history(a.history_document(), certification_bodies=(CB_BOTH, CB_SEA)).snapshot()
        == a.snapshot()
    )
    for policy in ("maritime", "certified-member", "icoca-good-standing"):
        assert check(a, "acme", policy, as_of=AS_OF).eligible == check(b, "acme", policy, as_of=AS_OF).eligible
