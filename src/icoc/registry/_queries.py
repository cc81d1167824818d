"""What the live registry and its snapshots answer: subjects, kinds, instances, certifications;
and a discrepancy between recorded facts and the rules."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from types import MappingProxyType

import attrs

from icoc.errors import InvalidInput, Problem
from icoc.model.events import certification_key
from icoc.model.members import ServiceDomain
from icoc.registry._core import _Core
from icoc.workflows import PROCESSES, Instance, SubjectKind
from icoc.workflows.certification import leading

__all__ = ["Discrepancy", "Snapshot"]

_CERTIFICATION = "certification"
_EXTERNAL = "external-certificate"
MAIN_PROCESS = {
    SubjectKind.COMPANY: "company-status",
    SubjectKind.CSO: "member-status",
    SubjectKind.GOVERNMENT: "member-status",
    SubjectKind.OBSERVER: "member-status",
    SubjectKind.CASE: "compliance-case",
    SubjectKind.COMPLAINT: "complaint",
    SubjectKind.SEAT: "board-seat",
}


@attrs.frozen(kw_only=True)
class Discrepancy:
    """Where recorded facts (a registry document, a saved history) and the rules disagree.

    ``rule`` would have derived ``expected`` for ``subject`` on ``on``; the record says
    ``recorded``. The record is kept; ``path`` names it in its file when known."""

    subject: str
    rule: str
    on: date
    expected: str
    recorded: str
    path: str = ""

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return (
            f"{where}{self.subject}: rule {self.rule} would have derived {self.expected} on {self.on.isoformat()}; "
            f"the record says {self.recorded}"
        )


class _Queries:
    """Read-side shared by the live registry and snapshots."""

    _core: _Core

    def kind_of(self, subject: str) -> SubjectKind | None:
        """What a subject is (company, cso, ..., case, complaint, seat), or None if unknown."""
        return self._core.kinds.get(subject)

    def instance(self, process: str, key: str) -> Instance | None:
        """The instance of ``process`` with ``key`` (a subject's id for most processes), or None.

        A company's id as the key of ``certification`` gives :meth:`certification` (the company's
        certification that says most across its scopes)."""
        if process not in PROCESSES:
            raise InvalidInput(Problem("process", f"unknown process {process!r} (known: {', '.join(PROCESSES)})"))
        found = self._core.instances.get(process, {}).get(key)
        if found is None and process == _CERTIFICATION and self._core.kinds.get(key) is SubjectKind.COMPANY:
            return self.certification(key)
        return found

    def certification(self, company: str, scope: ServiceDomain | str | None = None) -> Instance | None:
        """A company's ICoCA certification (process ``certification``): in ``scope`` (land or
        maritime), or without one the certification that says most — one in force, else
        suspended, under review, externally certified, expired, withdrawn. None: none on record."""
        insts = self._core.instances.get(_CERTIFICATION, {})
        if scope is not None:
            return insts.get(certification_key(company, scope))
        return leading(i for (p, _), i in self._core.by_subject.get(company, {}).items() if p == _CERTIFICATION)

    def certificates(self, company: str) -> list[Instance]:
        """A company's external certificates (process ``external-certificate``), one instance per
        certificate, in key order: ``state`` valid, suspended or withdrawn; ``data["certificate"]``
        the :class:`~icoc.model.ExternalCertificate` as last recorded."""
        return [i for (p, _), i in sorted(self._core.by_subject.get(company, {}).items()) if p == _EXTERNAL]

    def instances(self, process: str) -> Iterator[Instance]:
        """Every instance of a process, in key order."""
        if process not in PROCESSES:
            raise InvalidInput(Problem("process", f"unknown process {process!r} (known: {', '.join(PROCESSES)})"))
        insts = self._core.instances.get(process, {})
        for key in sorted(insts):
            yield insts[key]

    def states_of(self, subject: str) -> dict[tuple[str, str], Instance]:
        """Every process instance of a subject, by (process, key)."""
        return dict(sorted(self._core.by_subject.get(subject, {}).items()))

    def subjects(self, kind: SubjectKind | None = None) -> list[str]:
        """The ids of the subjects on record (of ``kind`` only, when given), sorted."""
        return sorted(s for s, k in self._core.kinds.items() if kind is None or k is kind)

    def kinds(self) -> Mapping[str, SubjectKind]:
        """Every subject on record and what it is: a read-only mapping, in no particular order
        (no copy is made: for lookups by id at registry scale)."""
        return MappingProxyType(self._core.kinds)

    def instances_by_key(self, process: str) -> Mapping[str, Instance]:
        """Every instance of ``process`` by key: a read-only mapping, in no particular order (no
        copy is made; :meth:`instances` sorts). Raises InvalidInput for an unknown process."""
        if process not in PROCESSES:
            raise InvalidInput(Problem("process", f"unknown process {process!r} (known: {', '.join(PROCESSES)})"))
        return MappingProxyType(self._core.instances.get(process, {}))

    def _main(self, subject: str) -> Instance | None:
        kind = self._core.kinds.get(subject)
        if kind is None:
            return None
        inst = self._core.instances.get(MAIN_PROCESS[kind], {}).get(subject)
        if inst is None and kind in (
            SubjectKind.COMPANY,
            SubjectKind.CSO,
            SubjectKind.GOVERNMENT,
            SubjectKind.OBSERVER,
        ):
            inst = self._core.instances.get("membership", {}).get(subject)
        return inst


@attrs.frozen(eq=False)
class Snapshot(_Queries):
    """The registry's state on one date: immutable, built by replaying history up to it."""

    as_of: date | None
    _core: _Core = attrs.field(repr=False)

    def state_of(self, subject: str) -> str | None:
        """The subject's main state (company status, member status, case stage, ...)."""
        inst = self._main(subject)
        return inst.state if inst is not None else None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Snapshot):
            return NotImplemented
        return self._core.instances == other._core.instances and self._core.kinds == other._core.kinds

    __hash__ = None  # type: ignore[assignment]
