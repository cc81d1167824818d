"""Attacks on certification per scope and per certificate (issue #12): cases the first tests missed."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import attrs
import pytest

import icoc
import icoc.io
from icoc.cli import main
from icoc.errors import IllegalTransition
from icoc.model.events import (
    CertificationWithdrawn,
    ExternalCertificateReinstated,
    ExternalCertificateSuspended,
    History,
    IcocaApplicationSubmitted,
    IcocaCertificationGranted,
)
from test_certificates import CB_BOTH, CB_SEA, LAND, ON, SEA, _states, _two_scopes, cert, record
from test_rules import admit


def test_a_lapse_in_one_scope_keeps_a_certified_member_whose_other_certification_is_suspended() -> None:
    """Suspension alone keeps a certified member certified; the other scope lapsing must not end
    it, or reinstating the suspended certificate leaves an ICoCA-certified company a plain member."""
    reg = _two_scopes(land_expires=date(2025, 6, 1), sea_expires=date(2027, 6, 1))
    reg.submit(
        ExternalCertificateSuspended(subject="acme", effective=date(2025, 1, 1), certificate_id="acme-ISO-28007")
    )
    reg.advance_to(date(2025, 7, 1))
    assert _states(reg) == ("expired", "suspended", "certified_member")
    reg.submit(
        ExternalCertificateReinstated(subject="acme", effective=date(2025, 8, 1), certificate_id="acme-ISO-28007")
    )
    assert _states(reg) == ("expired", "icoca_certified", "certified_member")


def _both_recorded() -> icoc.Registry:
    reg = icoc.Registry(certification_bodies=(CB_BOTH, CB_SEA))
    admit(reg, "acme", date(2022, 1, 5))
    reg.submit_all(
        [
            record("acme", cert("acme", "PSC.1-2012", "cb-both", ON), ON),
            record("acme", cert("acme", "ISO-28007", "cb-sea", ON), ON),
        ]
    )
    return reg


def test_an_icoca_event_naming_no_scope_is_refused_when_two_certifications_could_take_it() -> None:
    """One application or one grant (one certification id) must not move both scopes at once."""
    reg = _both_recorded()
    before = len(reg.history)
    with pytest.raises(IllegalTransition, match="scope"):
        reg.submit(IcocaApplicationSubmitted(subject="acme", effective=ON))
    assert len(reg.history) == before and _states(reg)[:2] == ("externally_certified", "externally_certified")
    reg.submit_all([IcocaApplicationSubmitted(subject="acme", effective=ON, scope=s) for s in (LAND, SEA)])
    with pytest.raises(IllegalTransition, match="scope"):
        reg.submit(
            IcocaCertificationGranted(subject="acme", effective=ON, certification="i-1", expires=date(2027, 1, 1))
        )
    assert _states(reg) == ("icoca_review", "icoca_review", "member")
    # Only one can take it: the scope-less event goes there (histories written before scopes).
    reg.submit(
        IcocaCertificationGranted(
            subject="acme", effective=ON, certification="i-l", expires=date(2027, 1, 1), scope=LAND
        )
    )
    reg.submit(IcocaCertificationGranted(subject="acme", effective=ON, certification="i-m", expires=date(2027, 1, 1)))
    assert _states(reg) == ("icoca_certified", "icoca_certified", "certified_member")


def test_a_withdrawal_or_body_action_naming_neither_scope_nor_certificate_is_refused_when_ambiguous() -> None:
    reg = _two_scopes(sea_expires=date(2027, 6, 1))
    for event in (
        CertificationWithdrawn(subject="acme", effective=date(2024, 6, 1), reason="r"),
        ExternalCertificateSuspended(subject="acme", effective=date(2024, 6, 1)),
    ):
        with pytest.raises(IllegalTransition, match=r"scope|certificate_id"):
            reg.submit(event)
        assert _states(reg) == ("icoca_certified", "icoca_certified", "certified_member")
        assert {i.state for i in reg.certificates("acme")} == {"valid"}


def test_a_history_file_the_workflows_refuse_is_refused_naming_the_file_and_the_event(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """validate (and every command) on a history: the error line names the file and the event's path."""
    reg = icoc.Registry()
    admit(reg, "acme", date(2022, 1, 5))
    bad = ExternalCertificateSuspended(subject="acme", effective=date(2022, 2, 1), certificate_id="nope")
    history = History(events=(*reg.history_document().events, bad))
    path = tmp_path / "history.json"
    path.write_text(icoc.io.dumps(history, audience=icoc.io.Audience.FULL))
    n = len(history.events) - 1
    for command in (["validate", str(path)], ["check", str(path)], ["explain", str(path), "acme"]):
        assert main(command) == 2, command
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith(f"icoc: error: {path}:$.events[{n}]"), (command, err)


def test_suspending_a_suspended_certificate_again_is_refused_and_reinstatement_still_returns() -> None:
    """A second suspension must not make 'suspended' the state the certification returns to."""
    reg = _two_scopes(sea_expires=date(2027, 6, 1))
    suspend = ExternalCertificateSuspended(subject="acme", effective=date(2024, 6, 1), certificate_id="acme-ISO-28007")
    reg.submit(suspend)
    before = len(reg.history)
    with pytest.raises(IllegalTransition):
        reg.submit(attrs.evolve(suspend, effective=date(2024, 6, 2)))
    assert len(reg.history) == before
    reg.submit(
        ExternalCertificateReinstated(subject="acme", effective=date(2024, 7, 1), certificate_id="acme-ISO-28007")
    )
    assert _states(reg) == ("icoca_certified", "icoca_certified", "certified_member")


@pytest.mark.parametrize(
    ("cert_status", "ic_status"), [("withdrawn", "certified"), ("suspended", "certified"), ("withdrawn", "suspended")]
)
def test_a_document_whose_certification_outlives_the_certificate_it_rests_on_is_refused(
    cert_status: str, ic_status: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The body withdrew (or suspended) the certificate, yet the ICoCA certification resting on it
    is recorded as in force: the registry would load it as valid and pass the maritime policy."""
    from icoc.sample import load_sample

    data = json.loads(icoc.io.dumps(load_sample(), audience=icoc.io.Audience.FULL))
    i, ic = next((i, x) for i, x in enumerate(data["icoca_certifications"]) if x["status"] == "certified")
    ic["status"] = ic_status
    next(c for c in data["certificates"] if c["id"] == ic["based_on"])["status"] = cert_status
    path = tmp_path / "registry.json"
    path.write_text(json.dumps(data))
    for command in (["validate", str(path)], ["check", str(path)]):
        assert main(command) == 2, command
        err = capsys.readouterr().err
        assert f"{path}:$.icoca_certifications[{i}].status" in err and cert_status in err, err
