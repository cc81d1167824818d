"""Typed identifiers: plain strings at run time, distinct types for mypy.

Members of every pillar and observers share one id space, because events name their subject
by id whatever the pillar.
"""

from typing import NewType

MemberId = NewType("MemberId", str)
"""A member of any pillar, an affiliate or an observer."""
StandardId = NewType("StandardId", str)
"""A standard, e.g. ``"PSC.1-2012"``."""
CertificationBodyId = NewType("CertificationBodyId", str)
"""A certification body that audits companies against standards."""
CertificateId = NewType("CertificateId", str)
"""An external certificate or an ICoCA certification."""
CaseId = NewType("CaseId", str)
"""A compliance case opened from a concern or finding (Art. 12)."""
PlanId = NewType("PlanId", str)
"""A corrective action plan the Board recommended in a compliance case (Art. 12)."""
ComplaintId = NewType("ComplaintId", str)
"""A complaint received under Art. 13."""
DirectorId = NewType("DirectorId", str)
"""A person elected to the Board."""

__all__ = [
    "CaseId",
    "CertificateId",
    "CertificationBodyId",
    "ComplaintId",
    "DirectorId",
    "MemberId",
    "PlanId",
    "StandardId",
]
