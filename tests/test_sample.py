"""The built-in sample registry: shipped as package data, valid, and covering the whole domain."""

from __future__ import annotations

import importlib.util
import json
from collections import Counter
from datetime import date
from importlib.resources import files
from pathlib import Path
from types import ModuleType

import pytest

import icoc.io
from icoc.model import (
    AccreditationRoute,
    CaseStage,
    CompanyStatus,
    ComplaintKind,
    ComplaintRoute,
    ComplaintStage,
    ConcernCategory,
    FindingSource,
    GovernmentKind,
    Pillar,
    RegistryDocument,
    ServiceDomain,
)
from icoc.sample import load_sample, sample_text

ROOT = Path(__file__).resolve().parent.parent
RECOGNISED = {"PSC.1-2012", "ISO-18788", "ISO-28007"}


@pytest.fixture(scope="module")
def doc() -> RegistryDocument:
    return load_sample()


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_sample", ROOT / "scripts" / "make_sample.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sample_is_package_data_readable_through_importlib_resources() -> None:
    resource = files("icoc.sample").joinpath("registry.json")
    assert resource.is_file()
    text = resource.read_text(encoding="utf-8")
    assert text == sample_text()
    assert json.loads(text)["as_of"] == "2026-06-30"


def test_load_sample_goes_through_the_public_loader(doc: RegistryDocument) -> None:
    assert isinstance(doc, RegistryDocument)
    assert doc.as_of == date(2026, 6, 30)
    assert icoc.io.loads(sample_text(), RegistryDocument) == doc
    assert load_sample() is doc  # immutable, so cached


def test_sample_text_is_exactly_what_dump_writes(doc: RegistryDocument, tmp_path: Path) -> None:
    out = tmp_path / "registry.json"
    icoc.io.dump(doc, out, audience=icoc.io.Audience.FULL)
    assert out.read_text(encoding="utf-8") == sample_text()


def test_generator_reproduces_the_committed_file() -> None:
    gen = _generator()
    first = gen.build()
    assert gen.render(first) == sample_text(), "run: python scripts/make_sample.py"
    assert gen.build() == first  # seeded: the same every time
    assert gen.main(["--check"]) == 0


def test_about_fifty_companies_in_every_status_and_both_domains(doc: RegistryDocument) -> None:
    assert 45 <= len(doc.companies) <= 55
    assert {c.status for c in doc.companies} == set(CompanyStatus)
    domains = {d for c in doc.companies for d in c.services}
    assert domains == set(ServiceDomain)
    assert any(c.services == (ServiceDomain.MARITIME,) for c in doc.companies)
    suspended = [c for c in doc.companies if c.status is CompanyStatus.SUSPENDED]
    assert {c.suspended_from for c in suspended} >= {CompanyStatus.CERTIFIED_MEMBER, CompanyStatus.MEMBER}


def test_swiss_pssa_companies_are_swiss(doc: RegistryDocument) -> None:
    swiss = [c for c in doc.companies if c.swiss_pssa]
    assert len(swiss) >= 3
    assert all(c.country == "CH" for c in swiss)


def test_other_pillars_and_observers(doc: RegistryDocument) -> None:
    assert len(doc.civil_society) >= 3
    assert {g.kind for g in doc.governments} == set(GovernmentKind)
    assert len(doc.observers) >= 2
    assert {m.pillar for m in doc.members()} == {*Pillar, None}


def test_certification_bodies_both_routes_and_one_not_accepted(doc: RegistryDocument) -> None:
    assert {b.route for b in doc.certification_bodies if b.accepted} == set(AccreditationRoute)
    assert sum(not b.accepted for b in doc.certification_bodies) == 1


def test_certificates_to_every_recognised_standard_and_iso_9001_grants_nothing(doc: RegistryDocument) -> None:
    external = {c.id: c for c in doc.certificates}
    assert {c.standard for c in doc.certificates} == RECOGNISED | {"ISO-9001"}
    based_on = {external[ic.based_on].standard for ic in doc.icoca_certifications}
    assert based_on == RECOGNISED
    in_force = {external[ic.based_on].standard for ic in doc.icoca_certifications if ic.in_force(doc.as_of)}
    assert in_force == RECOGNISED
    iso_9001 = [c for c in doc.certificates if c.standard == "ISO-9001"]
    assert len(iso_9001) == 1
    assert not any(ic.based_on == iso_9001[0].id for ic in doc.icoca_certifications)


def test_every_certified_member_holds_an_icoca_certification_in_force(doc: RegistryDocument) -> None:
    in_force = {ic.company for ic in doc.icoca_certifications if ic.in_force(doc.as_of)}
    certified = {c.id for c in doc.companies if c.status is CompanyStatus.CERTIFIED_MEMBER}
    assert certified
    assert certified <= in_force


def test_self_assessments_over_several_cycles_with_gaps(doc: RegistryDocument) -> None:
    cycles = {sa.cycle for sa in doc.self_assessments}
    assert len(cycles) >= 3
    assert any(sa.submitted is None for sa in doc.self_assessments)
    assert any(sa.late() for sa in doc.self_assessments)
    assert any(sa.satisfactory is False for sa in doc.self_assessments)
    assert any(sa.satisfactory is None and sa.submitted is not None for sa in doc.self_assessments)


def test_compliance_cases_cover_every_source_category_and_stage(doc: RegistryDocument) -> None:
    assert {c.source for c in doc.cases} == set(FindingSource)
    assert {c.category for c in doc.cases} == set(ConcernCategory)
    assert {c.stage for c in doc.cases} == set(CaseStage)
    assert all(c.code_paragraphs for c in doc.cases)


def test_exactly_one_corrective_action_plan_is_overdue(doc: RegistryDocument) -> None:
    assert len(doc.corrective_action_plans) >= 2
    assert sum(p.overdue(doc.as_of) for p in doc.corrective_action_plans) == 1
    assert any(p.verified is not None for p in doc.corrective_action_plans)


def test_complaints_cover_every_kind_route_and_stage_and_stay_confidential(doc: RegistryDocument) -> None:
    assert {c.kind for c in doc.complaints} == set(ComplaintKind)
    assert {c.route for c in doc.complaints if c.route} == set(ComplaintRoute)
    assert {c.stage for c in doc.complaints} == set(ComplaintStage)
    assert all(c.complainant.confidential for c in doc.complaints)
    linked = [c for c in doc.complaints if c.compliance_case]
    cases = {c.id: c for c in doc.cases}
    assert linked
    assert all(cases[c.compliance_case].complaint == c.id for c in linked if c.compliance_case)


def test_board_has_four_directors_per_pillar(doc: RegistryDocument) -> None:
    sitting = Counter(d.pillar for d in doc.board.in_office(doc.as_of))
    assert sitting == {p: 4 for p in Pillar}
    assert len(doc.board.directors) > 12  # past terms too


def test_payments_include_joining_fees_and_dues(doc: RegistryDocument) -> None:
    kinds = {p.kind.value for p in doc.payments}
    assert {"joining", "annual_dues", "voluntary_contribution", "observer"} <= kinds
    assert all(p.amount_usd == 1000 for p in doc.payments if p.kind.value == "joining")


def test_names_are_fictional(doc: RegistryDocument) -> None:
    gen = _generator()
    prefixes = set(gen.PREFIXES)
    assert all(c.name.split()[0] in prefixes for c in doc.companies)
    others = [*doc.civil_society, *doc.governments, *doc.observers, *doc.certification_bodies]
    assert all(("Fictional" in o.name or "Imaginary" in o.name or o.name.split()[0] in prefixes) for o in others)


def test_each_company_is_in_its_status_since_the_day_its_records_say(doc: RegistryDocument) -> None:
    """The document's ``status_since`` and a live registry built from it answer "since when" alike:
    a certification that lapsed and was granted again makes a certified member from the new grant."""
    from icoc import Registry

    live = Registry.from_document(doc)
    live.advance_to(doc.as_of)
    for c in doc.companies:
        inst = live.instance("company-status", c.id)
        assert inst is not None and (inst.state, inst.since) == (c.status.value, c.status_since), c.id
