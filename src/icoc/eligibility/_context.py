"""What a batch of decisions reads: one registry state on one date, indexed per company.

This module is the one place eligibility reads a registry. Everything else reads a
:class:`Context` (the indexes, per company) or its :class:`Run` (the values every company of a
run shares: the date, the self-assessment cycle, the accepted certification bodies).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date

import attrs

from icoc.errors import RegistryChanged
from icoc.model.certificates import ExternalCertificate
from icoc.model.events import cycle_suffix
from icoc.model.standards import CertificationBody
from icoc.registry import Registry
from icoc.rules import Obligation
from icoc.workflows import Instance, SubjectKind
from icoc.workflows.certification import leading

__all__ = ["Context", "Run", "copy_of"]

_DEADLINE_TAG = "certification-deadline"
"""The tag of the rules that fix a company's certification deadline (selected by tag, never by id)."""


@attrs.frozen(kw_only=True)
class Run:
    """What every decision of one run shares, whoever the company: the outcome of a check is a
    function of its key and of these values only.

    ``csa_due`` is the parameter ``self_assessment.due`` (``"MM-DD"``) on ``as_of``; ``csa_cycle``
    the latest cycle whose due date ``csa_cycle_due`` has passed by ``as_of``. ``bodies`` are the
    certification bodies by id (``None``: bodies are not checked). ``has_rules``: the registry
    judges deadlines with a rule set.
    """

    as_of: date
    csa_due: str
    csa_cycle: int
    csa_cycle_due: date
    bodies: Mapping[str, CertificationBody] | None
    has_rules: bool


class Context:
    """One registry state on ``as_of`` and its indexes, read once for every decision of a run.

    Decisions are made within one call: when nothing is dated after ``as_of``, the live state is
    the state on ``as_of`` and needs no replay. ``kinds`` holds the subjects that exist on
    ``as_of``; ``statuses`` each company's status instance (none: not admitted on the date).
    """

    def __init__(self, registry: Registry, as_of: date) -> None:
        self.registry = registry
        self.as_of = as_of
        self.version = (len(registry), registry.clock)
        self.snapshot = registry.current_as_of(as_of) or registry.snapshot(as_of)
        snapshot = self.snapshot
        self.kinds: Mapping[str, SubjectKind] = snapshot.kinds()
        self.statuses: Mapping[str, Instance] = snapshot.instances_by_key("company-status")
        # A company's ICoCA certifications, one per scope, and the one that says most for it.
        self.scopes: dict[str, list[Instance]] = {}
        for inst in snapshot.instances_by_key("certification").values():
            self.scopes.setdefault(inst.subject, []).append(inst)
        self.certifications: dict[str, Instance] = {}
        for cid, insts in self.scopes.items():
            best = leading(insts)
            if best is not None:
                self.certifications[cid] = best
        # Every external certificate on record, per company (one instance per certificate), with
        # its state (valid, suspended or withdrawn by its body).
        self.external: dict[str, list[tuple[ExternalCertificate, str]]] = {}
        for inst in snapshot.instances_by_key("external-certificate").values():
            self.external.setdefault(inst.subject, []).append((inst.data["certificate"], inst.state))
        self.cases: dict[str, list[Instance]] = {}
        self.complaints: dict[str, list[Instance]] = {}
        for inst in self.snapshot.instances("compliance-case"):
            self.cases.setdefault(inst.data["company"], []).append(inst)
        for inst in self.snapshot.instances("complaint"):
            self.complaints.setdefault(inst.data["company"], []).append(inst)
        # Rules due on or before as_of that the registry has not fired yet make its state stale.
        self.pending: dict[str, tuple[date, str]] = {}
        for rule_id, subject, due in registry.pending_rules(until=as_of):
            if subject not in self.pending or (due, rule_id) < self.pending[subject]:
                self.pending[subject] = (due, rule_id)
        # Each company's certification deadline as the rules fixed it when its clock started
        # (the latest obligation of a rule tagged ``certification-deadline``, as it stood on as_of).
        rules = registry.rules
        self.deadlines: dict[str, Obligation] = {}
        if rules is not None:
            tagged = {r.id for r in rules if _DEADLINE_TAG in r.tags}
            for ob in registry.obligations(as_of=as_of):
                if ob.rule in tagged:
                    self.deadlines[ob.subject] = ob
        due_md = registry.parameters.value("self_assessment.due", as_of)
        assert isinstance(due_md, str)
        month, day = (int(x) for x in due_md.split("-"))
        cycle = as_of.year if date(as_of.year, month, day) < as_of else as_of.year - 1
        self.run = Run(
            as_of=as_of,
            csa_due=due_md,
            csa_cycle=cycle,
            csa_cycle_due=date(cycle, month, day),
            bodies=registry.settings.get("certification_bodies"),
            has_rules=rules is not None,
        )
        # Each company's record for the latest cycle due is found by its key (its id and this
        # suffix); its latest overdue cycle (missed, or sent and past due) in one pass reading
        # only the states.
        self.csa: Mapping[str, Instance] = snapshot.instances_by_key("self-assessment")
        self.csa_suffix = cycle_suffix(cycle)
        self.csa_overdue: dict[str, Instance] = {}
        for inst in self.csa.values():
            state = inst.state
            if state == "missed" or (state == "sent" and inst.data["due"] < as_of):
                worst = self.csa_overdue.get(inst.subject)
                if worst is None or inst.data["cycle"] > worst.data["cycle"]:
                    self.csa_overdue[inst.subject] = inst

    def companies(self) -> list[str]:
        """Every company on ``as_of``, in id order."""
        return self.snapshot.subjects(SubjectKind.COMPANY)

    def ever_known(self, member: str) -> SubjectKind | None:
        """What ``member`` is, on ``as_of`` or at any time the registry knows of (``None``: never heard of)."""
        return self.kinds.get(member) or self.registry.kind_of(member)

    def batches(self, members: Sequence[str], size: int) -> Iterator[Sequence[str]]:
        """``members`` in slices of ``size``, each refused with :class:`~icoc.errors.RegistryChanged`
        when the registry changed (an event submitted, an advance) since the context was read."""
        for start in range(0, len(members), size):
            self.unchanged()
            yield members[start : start + size]

    def unchanged(self) -> None:
        """Raises :class:`~icoc.errors.RegistryChanged` when the registry is no longer the one read."""
        if (len(self.registry), self.registry.clock) != self.version:
            raise RegistryChanged("check_all", self.as_of.isoformat())


def copy_of(registry: Registry) -> Registry:
    """A registry rebuilt from ``registry``'s history with its rules, parameters, standards and
    certification bodies: the rules can run forward on it without touching the original."""
    settings = registry.settings
    bodies = settings["certification_bodies"]
    return Registry.from_history(
        registry.history,
        rules=registry.rules,
        parameters=registry.parameters,
        standards=tuple(settings["standards"].values()),
        certification_bodies=None if bodies is None else tuple(bodies.values()),
    )
