"""Attacks on certification per scope and per certificate (issue #12): cases the first tests missed."""

from __future__ import annotations

from datetime import date

import pytest

from icoc.errors import IllegalTransition
from icoc.model.events import (
    CertificationWithdrawn,
    ExternalCertificateReinstated,
    ExternalCertificateSuspended,
    IcocaApplicationSubmitted,
    IcocaCertificationGranted,
)
from test_certificates import LAND, ON, SEA, _states, _two_scopes, cert, record


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
