"""Replaying a document import into a registry, and checking the result against the document.

The registry is built, fed the plan one event at a time (so a refusal, by a workflow or by the
rules judging deadlines on the way, names its record), kept from letting a rule overwrite a state
the document records (:class:`_Veto`), and compared with the document at the end; on any failure
it is closed and never returned half-built.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import date
from typing import Any, Protocol, TypeVar

from icoc.errors import IllegalTransition, InvalidInput, Problem, RuleError, UnknownMember
from icoc.importing._common import non_company_members
from icoc.importing._plan import plan_document
from icoc.model.document import RegistryDocument
from icoc.model.events import Event
from icoc.rules import DEFAULT_PARAMETERS, ParameterSet
from icoc.workflows import Instance


class ImportTarget(Protocol):
    """What a document import needs of the registry it fills (:class:`icoc.Registry` is one)."""

    def importing(
        self, veto: Callable[[Event, list[tuple[str, str, Instance]]], str | None]
    ) -> AbstractContextManager[None]:
        """While the block runs: ``veto`` judges each derived event (a text keeps it out as a
        discrepancy), and a refused event leaves the registry to be discarded, not undone."""

    def submit(self, event: Event) -> None:
        """Apply one event, or raise and leave the registry as it was."""

    def state_of(self, subject: str) -> str | None:
        """The state of a subject's main process, or None when it has none."""

    def instance(self, process: str, key: str) -> Instance | None:
        """The instance of ``process`` for ``key``, or None."""

    def close(self) -> None:
        """Release what the registry holds."""


R = TypeVar("R", bound=ImportTarget)


def import_document(doc: RegistryDocument, registry: Callable[..., R], **config: Any) -> R:
    """A live registry whose history leads to ``doc``, built by ``registry`` (the registry class,
    e.g. :class:`icoc.Registry`; :meth:`icoc.Registry.from_document` calls this) with the document's
    ``standards`` and ``certification_bodies`` and ``config`` (rules, parameters, backend).

    Every event has the cause :data:`IMPORT_CAUSE`. Raises InvalidInput naming the document record
    (``$.companies[3]...``) when the workflows refuse its history or the result does not match the
    document, or naming ``standards`` or ``certification_bodies`` when ``config`` passes them;
    the registry is closed then, never returned half-built.
    """
    settings: dict[str, Any] = {"standards": doc.standards, "certification_bodies": doc.certification_bodies}
    for name in settings:
        if name in config:  # the document's own list decides; a second one would contradict it
            raise InvalidInput(
                Problem(
                    name,
                    f"a registry document carries its own {name}: put yours in the document "
                    f"(attrs.evolve(doc, {name}=...)) rather than passing them to from_document",
                )
            )
    parameters: ParameterSet = config.get("parameters", DEFAULT_PARAMETERS)
    steps = plan_document(doc, parameters)
    reg = registry(**settings, **config)
    try:
        with reg.importing(_Veto(doc, [s.event for s in steps]).check):
            # One by one (the plan is in date order, as a batch would be applied) so that a refusal,
            # by a workflow or by the rules judging deadlines on the way, names its record.
            for s in steps:
                try:
                    reg.submit(s.event)
                except IllegalTransition as exc:
                    raise InvalidInput(Problem(s.path, _refusal(s.event, exc))) from None
                except UnknownMember as exc:
                    raise InvalidInput(
                        Problem(s.path, f"{s.event.TYPE} on {s.event.effective.isoformat()}: {exc}")
                    ) from None
                except RuleError as exc:
                    raise InvalidInput(
                        Problem(
                            s.path,
                            f"the rules judging the deadlines due by {s.event.effective.isoformat()} failed: {exc}",
                        )
                    ) from None
                except InvalidInput as exc:
                    raise exc.under(s.path) from None
            problems = list(_mismatches(reg, doc))
            if problems:
                raise InvalidInput(problems)
    except BaseException:
        reg.close()
        raise
    return reg


class _Veto:
    """A document is a snapshot of reality: a rule never overwrites the state it records.

    A derived event that would move a member, case or complaint to a state other than the one the
    document records, on or after the date it records it from, is kept out; the registry lists it
    as a discrepancy (what the rule expected, what the document says)."""

    def __init__(self, doc: RegistryDocument, planned: Sequence[Event]) -> None:
        # What the document's own records do: a rule deriving the same is not contradicting it.
        self.planned = {(type(e), e.subject, e.key, e.effective) for e in planned}
        self.expected: dict[str, tuple[str, date, str]] = {}
        self.suspended_from: dict[str, str] = {}
        for i, c in enumerate(doc.companies):
            self.expected[c.id] = (c.status.value, c.status_since or c.joined, f"$.companies[{i}].status")
            if c.suspended_from is not None:
                self.suspended_from[c.id] = c.suspended_from.value
        for path, m in non_company_members(doc):
            self.expected[m.id] = (m.status.value, m.status_since or m.joined, f"{path}.status")
        for i, case in enumerate(doc.cases):
            self.expected[case.id] = (case.stage.value, case.opened, f"$.cases[{i}].stage")
        for i, cp in enumerate(doc.complaints):
            self.expected[cp.id] = (cp.stage.value, cp.received, f"$.complaints[{i}].stage")

    def check(self, event: Event, changes: Sequence[tuple[str, str, Any]]) -> str | None:
        known = self.expected.get(event.subject)
        if known is None or (type(event), event.subject, event.key, event.effective) in self.planned:
            return None
        state, since, path = known
        for process, key, inst in changes:
            if key != event.subject or process not in _MAIN_PROCESSES:
                continue
            if inst.state != state and event.effective >= since:
                return f"{event.TYPE} ({process} {inst.state})|{state} since {since.isoformat()}|{path}"
            before = self.suspended_from.get(event.subject)
            if before is not None and inst.state == "suspended" and inst.previous != before:
                # A lapse during the suspension: the document records the status suspended from.
                return (
                    f"{event.TYPE} (suspended from {inst.previous})|suspended from {before}|"
                    f"{path.rsplit('.', 1)[0]}.suspended_from"
                )
            # Before a suspension the document records the status suspended from: a move to
            # affiliate it does not record is not the document's reality either.
            before = self.suspended_from.get(event.subject)
            if before is not None and inst.state == "affiliate" and before != "affiliate":
                return (
                    f"{event.TYPE} ({process} {inst.state})|{before} until suspended on {since.isoformat()}|"
                    f"{path.rsplit('.', 1)[0]}.suspended_from"
                )
        return None


_MAIN_PROCESSES = frozenset({"company-status", "member-status", "membership", "compliance-case", "complaint"})


def _refusal(event: Event, exc: IllegalTransition) -> str:
    where = exc.state if exc.state is not None else "(no state)"
    return (
        f"{exc.event} on {event.effective.isoformat()} for {exc.subject!r} refused by the {exc.process} "
        f"workflow in state {where}: {exc.reason}"
    )


def _mismatches(reg: ImportTarget, doc: RegistryDocument) -> Iterator[Problem]:
    """Where the imported registry does not stand where the document says."""

    def differs(path: str, subject: str, expected: str) -> Iterator[Problem]:
        actual = reg.state_of(subject)
        if actual != expected:
            yield Problem(path, f"its records lead the registry to {actual!r}, not the document's {expected!r}")

    for i, c in enumerate(doc.companies):
        yield from differs(f"$.companies[{i}].status", c.id, c.status.value)
        if c.suspended_from is not None:
            inst = reg.instance("company-status", c.id)
            before = inst.previous if inst is not None else None
            if before != c.suspended_from.value:
                yield Problem(
                    f"$.companies[{i}].suspended_from",
                    f"its records make it {before!r} when suspended on {c.status_since.isoformat()}, "
                    f"not the document's {c.suspended_from.value!r} (a company becomes a certified member "
                    "only by an ICoCA certification granted before)",
                )
    for path, m in non_company_members(doc):
        yield from differs(f"{path}.status", m.id, m.status.value)
    for i, case in enumerate(doc.cases):
        yield from differs(f"$.cases[{i}].stage", case.id, case.stage.value)
    for i, cp in enumerate(doc.complaints):
        yield from differs(f"$.complaints[{i}].stage", cp.id, cp.stage.value)
