"""The public testing kit: strategies found through Hypothesis's plugin entry point, shrinking to
minimal registries, builders, and the machines exported under public names."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import tomllib
from datetime import date
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

import icoc.testing as t
from icoc import Registry
from icoc.model import RegistryDocument
from icoc.model.events import EVENT_TYPES, Event, History
from icoc.testing import _machines, _payloads, _pools, _process_machines

ROOT = Path(__file__).resolve().parent.parent
D = date(2020, 3, 1)

# Run in a fresh interpreter so no earlier import of icoc.testing registers anything: only the
# plugin entry point can make these draws work.
FROM_TYPE_ALONE = textwrap.dedent(
    """
    import inspect, sys
    from hypothesis import HealthCheck, given, settings, strategies as st
    import icoc.model, icoc.model.events

    assert "icoc.testing" not in sys.modules, "the plugin must not import icoc.testing eagerly"
    classes = [
        getattr(module, name)
        for module in (icoc.model, icoc.model.events)
        for name in module.__all__
        if inspect.isclass(getattr(module, name))
    ]
    def check(cls):
        @settings(max_examples=3, database=None, deadline=None, suppress_health_check=list(HealthCheck))
        @given(st.from_type(cls))
        def drawn(value):
            assert isinstance(value, cls), (cls, value)
        drawn()

    for cls in classes:
        check(cls)
    print(len(classes))
    """
)


def test_the_plugin_is_declared_in_the_package_metadata() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["entry-points"]["hypothesis"] == {"icoc": "icoc._hypothesis_plugin:_hypothesis_setup_hook"}


def _plugin_installed() -> bool:
    return any(e.value.startswith("icoc.") for e in entry_points(group="hypothesis"))


@pytest.mark.skipif(
    not _plugin_installed(), reason="icoc's package metadata is not installed here: run pip install -e ."
)
def test_from_type_works_for_every_public_class_with_only_hypothesis_and_the_model_imported() -> None:
    done = subprocess.run(
        [sys.executable, "-c", FROM_TYPE_ALONE], capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert int(done.stdout.split()[-1]) > len(EVENT_TYPES)


@pytest.mark.parametrize("cls", [Event, *EVENT_TYPES], ids=lambda c: c.__name__)
@settings(max_examples=10, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_from_type_draws_well_formed_events(cls: type[Event], data: st.DataObject) -> None:
    event = data.draw(st.from_type(cls))
    assert isinstance(event, cls)
    assert type(event) in EVENT_TYPES


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.from_type(History))
def test_drawn_histories_are_accepted_by_a_registry(history: History) -> None:
    rebuilt = Registry.from_history(history)
    # Every event is accepted, in date order, beside what the rules derive on the way (an event
    # restating a rule's event of that day is absorbed).
    inputs = [e for e in rebuilt.history if e.cause.rule is None]
    assert inputs == [e for e in sorted(history.events, key=lambda e: e.effective) if e in inputs]
    derived = {(type(e), e.subject, e.key, e.effective) for e in rebuilt.history if e.cause.rule is not None}
    assert all(e in inputs or (type(e), e.subject, e.key, e.effective) in derived for e in history.events)


SHRINK = settings(database=None, derandomize=True)


def test_a_shrunk_registry_holds_only_what_the_failure_needs() -> None:
    one = find(t.registries(), lambda doc: len(doc.companies) >= 1, settings=SHRINK)
    assert len(one.companies) == 1
    assert one.standards == () and one.certification_bodies == () and one.certificates == ()
    assert not (one.civil_society or one.governments or one.observers)
    certified = find(t.registries(), lambda doc: bool(doc.certificates), settings=SHRINK)
    assert len(certified.companies) == 1 and len(certified.certificates) == 1
    assert [s.id for s in certified.standards] == [certified.certificates[0].standard]
    assert [b.id for b in certified.certification_bodies] == [certified.certificates[0].body]


def test_registries_still_reach_standards_and_bodies_no_certificate_names() -> None:
    def unused(doc: RegistryDocument) -> bool:
        named = {c.standard for c in doc.certificates} | {c.body for c in doc.certificates}
        return any(s.id not in named for s in doc.standards) and any(
            b.id not in named for b in doc.certification_bodies
        )

    assert unused(find(t.registries(), unused, settings=SHRINK))


def test_builders_set_up_an_admitted_certified_company_with_an_open_case() -> None:
    reg = Registry()
    reg.submit_all(t.admit("acme", on=D))
    assert reg.state_of("acme") == "member"
    reg.submit_all(t.certify("acme", on=D, years=2))
    assert reg.state_of("acme") == "certified_member"
    certification = reg.instance("certification", "acme")
    assert certification is not None and certification.state == "icoca_certified"
    reg.submit_all(t.open_case("case-1", "acme", on=D))
    case = reg.instance("compliance-case", "case-1")
    assert case is not None and case.data["company"] == "acme"


def test_builders_admit_every_kind_of_applicant() -> None:
    reg = Registry()
    reg.submit_all(t.admit("cso-1", on=D, applicant="cso"))
    reg.submit_all(t.admit("gov-1", on=D, applicant="government"))
    reg.submit_all(t.admit("consult", on=D, provides_security_services=False, admission="observer"))
    assert {s: reg.state_of(s) for s in ("cso-1", "gov-1", "consult")} == {
        "cso-1": "active",
        "gov-1": "active",
        "consult": "active",
    }


def test_certifying_a_company_never_admitted_is_refused() -> None:
    reg = Registry()
    with pytest.raises(t.REFUSALS):
        reg.submit_all(t.certify("ghost", on=D))
    assert len(reg) == 0


def test_the_machines_are_public() -> None:
    for module in (_machines, _process_machines, _pools, _payloads):
        for name in module.__all__:
            if name != "payload_fields":  # the one helper the event strategies use
                assert getattr(t, name) is getattr(module, name), name
    assert issubclass(t.MembershipMachine, t.RegistryMachine)
