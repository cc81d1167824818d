"""ICoCA certifications and the other certificates a company holds, as events.

- ICoCA certifications, in grant order: the external certificate is recorded (as it stood then:
  valid) on max(issued, joined, end of the previous certification), the application and the grant
  on max(granted, that date), then the certification's status: expired on its expiry; withdrawn
  when the company was suspended, terminated or withdrew, else at the earliest of the next
  certification's start and its expiry; suspended when the company was, else when the next
  certification starts, else on ``as_of`` (all capped at ``as_of``). A grant makes a company a
  certified member and a lapse makes it a member again, so a certification no longer in force is
  shown granted only when that ends in the company's own status (see ``_grant_shown``).
- Certifications are held for members: one that had lapsed when the company joined, or that
  starts after it left, is not imported (unless the document says it is certified). Every other
  certificate in force, to a recognised standard from a body accepted for that standard on its
  issue date, is recorded (a company holds any number of them, whatever its certification is
  doing); ISO 9001 and the like grant nothing and are skipped.
"""

from __future__ import annotations

from datetime import date

import attrs

from icoc.errors import InvalidInput, Problem
from icoc.importing._common import RECORDED, Group, Planner
from icoc.model import STANDING_STATUSES
from icoc.model.certificates import (
    ExternalCertificate,
    ExternalCertificateStatus,
    IcocaCertification,
    IcocaCertificationStatus,
)
from icoc.model.events import (
    CertificationExpired,
    CertificationWithdrawn,
    Event,
    ExternalCertificateRecorded,
    ExternalCertificateSuspended,
    IcocaApplicationSubmitted,
    IcocaCertificationGranted,
)
from icoc.model.members import Company, CompanyStatus, ServiceDomain


def plan_certifications(p: Planner, c: Company) -> None:
    """The company's ICoCA certifications in grant order, then its other certificates in force.

    Raises InvalidInput naming ``$.icoca_certifications[k]`` for a certification the document
    calls certified that lapsed before the company joined.
    """
    external = p.external
    mine = sorted(p.icoca_of.get(c.id, ()), key=lambda pair: (pair[1].granted, pair[1].id))
    left = c.status_since if c.status in (CompanyStatus.TERMINATED, CompanyStatus.WITHDRAWN) else None
    entry = c.suspended_from if c.status is CompanyStatus.SUSPENDED else c.status
    cursor = c.joined
    # Certifications are held for members: one that had lapsed by the time the company joined,
    # or that starts after it left, has no bearing on its membership and is not imported,
    # unless the document calls it certified (then the document contradicts itself).
    kept: list[tuple[int, IcocaCertification]] = []
    for k, ic in mine:
        lapse = min(ic.expires, external[ic.based_on].expires)
        if lapse > c.joined:
            kept.append((k, ic))
        elif ic.status is IcocaCertificationStatus.CERTIFIED:
            raise InvalidInput(
                Problem(
                    f"$.icoca_certifications[{k}]",
                    f"certified, but it lapses on {lapse.isoformat()}, before {c.id!r} joined on "
                    f"{c.joined.isoformat()}; the registry certifies members only",
                )
            )
    # Each scope (land, maritime) is certified on its own: its certifications follow each other.
    by_scope: dict[ServiceDomain, list[tuple[int, IcocaCertification]]] = {}
    for k, ic in kept:
        by_scope.setdefault(p.scope_of(external[ic.based_on]), []).append((k, ic))
    last = cursor
    for scope, chain in sorted(by_scope.items()):
        cursor = c.joined
        for n, (k, ic) in enumerate(chain):
            base = external[ic.based_on]
            if left is not None and max(base.issued, cursor) > left:
                continue
            following = external[chain[n + 1][1].based_on].issued if n + 1 < len(chain) else None
            cursor = _one_certification(p, c, k, ic, base, cursor, left, entry, following, scope)
            last = max(last, cursor)
    cursor = last
    # Recording a certificate is legal whatever the certification is doing.
    others = [
        (j, x)
        for j, x in p.certificates_of.get(c.id, ())
        if x.id not in p.used
        and p.standards[x.standard].recognised
        and p.bodies[x.body].accepted_for(x.standard, x.issued)
        and x.status is ExternalCertificateStatus.VALID
    ]
    # Every other certificate is recorded (a company holds any number of them), in issue
    # order, on max(issued, joined, end of its last certification), when it is still in force
    # that day: a decision as of a past date sees the certificates in force then.
    for j, x in sorted(others, key=lambda pair: (pair[1].issued, pair[1].id)):
        on = max(x.issued, c.joined, cursor)
        if on >= x.expires or on > p.as_of or (left is not None and on > left):
            continue
        event = p.make(f"$.certificates[{j}]", ExternalCertificateRecorded, subject=c.id, effective=on, certificate=x)
        p.life(c.id, event, f"$.certificates[{j}]", Group.CERTIFICATION)
        cursor = on


def _one_certification(
    p: Planner,
    c: Company,
    k: int,
    ic: IcocaCertification,
    base: ExternalCertificate,
    cursor: date,
    left: date | None,
    entry: CompanyStatus | None,
    following: date | None,
    scope: ServiceDomain,
) -> date:
    """Record the external certificate, apply, be granted (when the company's status allows
    it), then reach the certification's status. Returns the date of its last event."""
    path = f"$.icoca_certifications[{k}]"

    def add(event: Event) -> None:
        p.life(c.id, event, path, Group.CERTIFICATION)

    recorded = max(base.issued, c.joined, cursor)
    # The certificate as it stood when recorded: its current status is the document's.
    cert = attrs.evolve(base, status=ExternalCertificateStatus.VALID)
    add(p.make(path, ExternalCertificateRecorded, subject=c.id, effective=recorded, certificate=cert))
    granted = max(ic.granted, recorded)
    # The ICoCA application needs an active company: not after it left.
    applied = granted if left is None else max(recorded, min(granted, left))
    add(p.make(path, IcocaApplicationSubmitted, subject=c.id, effective=applied, scope=scope))
    last = applied
    if _grant_shown(ic.status, entry):
        add(
            p.make(
                path,
                IcocaCertificationGranted,
                subject=c.id,
                effective=granted,
                certification=ic.id,
                expires=ic.expires,
                scope=scope,
            )
        )
        last = granted
    status_change = c.status_since if c.status is not CompanyStatus.CERTIFIED_MEMBER else None
    if ic.status is IcocaCertificationStatus.EXPIRED:
        on = max(last, min(ic.expires, p.as_of))
        add(p.make(path, CertificationExpired, subject=c.id, effective=on, scope=scope))
        return on
    if ic.status is IcocaCertificationStatus.WITHDRAWN:
        candidates = [ic.expires, p.as_of]
        if status_change is not None and c.status not in STANDING_STATUSES and status_change >= last:
            candidates.append(status_change)
        if following is not None and following >= last:
            candidates.append(following)
        on = max(last, min(candidates))
        add(
            p.make(
                path,
                CertificationWithdrawn,
                subject=c.id,
                effective=on,
                reason=f"withdrawn, {RECORDED}",
                scope=scope,
            )
        )
        return on
    if ic.status is IcocaCertificationStatus.SUSPENDED:
        on = p.as_of
        if c.status is CompanyStatus.SUSPENDED and c.status_since >= last:
            on = c.status_since
        if following is not None and following >= last:
            on = min(on, following)
        on = max(last, on)
        add(p.make(path, ExternalCertificateSuspended, subject=c.id, effective=on, certificate_id=base.id))
        return on
    return last


def _grant_shown(status: IcocaCertificationStatus, entry: CompanyStatus | None) -> bool:
    """Whether the import shows an ICoCA certification being granted.

    A grant makes a member, transitional member or affiliate a certified member; a lapse or
    withdrawal makes it a member again, and a suspension leaves it certified. So a certification
    that is no longer in force is shown granted only when that path ends in the company's own
    status; otherwise the import records the application and the certification's end without the
    grant (the company's status is the document's, and wins).
    """
    if status is IcocaCertificationStatus.CERTIFIED:
        return True
    if entry in (None, CompanyStatus.CERTIFIED_MEMBER, CompanyStatus.TERMINATED, CompanyStatus.WITHDRAWN):
        return True
    if entry is CompanyStatus.MEMBER:
        return status in (IcocaCertificationStatus.EXPIRED, IcocaCertificationStatus.WITHDRAWN)
    return False
