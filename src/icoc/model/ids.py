"""Typed identifiers: plain strings at run time, distinct types for mypy.

Members of every pillar and observers share one id space, because events name their subject
by id whatever the pillar.
"""

from typing import NewType

MemberId = NewType("MemberId", str)
"""A member of any pillar, an affiliate or an observer."""
StandardId = NewType("StandardId", str)
CertificationBodyId = NewType("CertificationBodyId", str)
CertificateId = NewType("CertificateId", str)
"""An external certificate or an ICoCA certification."""
CaseId = NewType("CaseId", str)
"""A compliance case opened from a concern or finding (Art. 12)."""
PlanId = NewType("PlanId", str)
ComplaintId = NewType("ComplaintId", str)
DirectorId = NewType("DirectorId", str)

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
