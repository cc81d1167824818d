"""Complaint events (Art. 13)."""

from __future__ import annotations

from typing import ClassVar

import attrs

from icoc.model import validators as v
from icoc.model.complaints import Complainant, ComplaintKind, ComplaintRoute
from icoc.model.events._base import Event
from icoc.model.ids import MemberId
from icoc.model.monitoring import ConcernCategory, code_paragraphs
from icoc.model.sensitivity import Sensitivity, hidden, sensitive

# --- complaints (Art. 13) ----------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ComplaintReceived(Event):
    """``subject`` is the complaint id; the complainant's identity and statement are confidential.

    A complaint is kept as received (Art. 13): ``company`` names the company on record it
    concerns, or is ``None`` when it concerns a company that is not on record (``company_name``,
    as the complainant gave it, Secretariat-level) or no identified company at all. Such a
    complaint is counted and routed, but no compliance case can cite it until
    :class:`ComplaintCompanyIdentified` links it to a company on record."""

    TYPE: ClassVar[str] = "complaint_received"
    company: MemberId | None = attrs.field(default=None, validator=v.optional(v.identifier))
    company_name: str | None = attrs.field(
        default=None,
        validator=v.optional(v.text),
        metadata=sensitive(Sensitivity.SECRETARIAT),
        repr=hidden(Sensitivity.SECRETARIAT),
    )
    statement: str | None = attrs.field(
        default=None,
        validator=v.optional(v.text),
        metadata=sensitive(Sensitivity.CONFIDENTIAL),
        repr=hidden(Sensitivity.CONFIDENTIAL),
    )
    complainant: Complainant = attrs.field(
        factory=Complainant,
        validator=v.typed(Complainant),
        metadata=sensitive(Sensitivity.CONFIDENTIAL),
        repr=hidden(Sensitivity.CONFIDENTIAL),
    )
    category: ConcernCategory = attrs.field(default=ConcernCategory.OTHER, validator=v.enum(ConcernCategory))
    code_paragraphs: tuple[int, ...] = attrs.field(default=(), validator=code_paragraphs)


@attrs.frozen(kw_only=True)
class ComplaintCompanyIdentified(Event):
    """A complaint received without a company on record is linked to ``company`` once the
    Secretariat identifies it; from then on a compliance case about that company may cite it."""

    TYPE: ClassVar[str] = "complaint_company_identified"
    company: MemberId = attrs.field(validator=v.identifier)


@attrs.frozen(kw_only=True)
class ComplaintClassified(Event):
    """The Secretariat classifies the complaint (``kind``) after a first review."""

    TYPE: ClassVar[str] = "complaint_classified"
    kind: ComplaintKind = attrs.field(validator=v.enum(ComplaintKind))


@attrs.frozen(kw_only=True)
class ComplaintReferred(Event):
    """Referred to a fair and accessible grievance procedure."""

    TYPE: ClassVar[str] = "complaint_referred"
    route: ComplaintRoute = attrs.field(validator=v.enum(ComplaintRoute))


@attrs.frozen(kw_only=True)
class ComplaintRemedied(Event):
    """The complaint reached a remedy through its route."""

    TYPE: ClassVar[str] = "complaint_remedied"


@attrs.frozen(kw_only=True)
class ComplaintUnresolved(Event):
    """The route ended without a remedy."""

    TYPE: ClassVar[str] = "complaint_unresolved"


@attrs.frozen(kw_only=True)
class ComplaintClosed(Event):
    """The complaint's file is closed; ``reason`` is for the Secretariat only."""

    TYPE: ClassVar[str] = "complaint_closed"
    reason: str | None = attrs.field(
        default=None,
        validator=v.optional(v.text),
        metadata=sensitive(Sensitivity.SECRETARIAT),
        repr=hidden(Sensitivity.SECRETARIAT),
    )
