"""One citation type for rules, transitions and parameters; each default rule's text, mark and tags."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from icoc.errors import InvalidInput
from icoc.model import Citation, Mark
from icoc.model.events import Admitted
from icoc.rules import DEFAULT_PARAMETERS, DEFAULT_RULES, Duration, Parameter, load_rules, rule_to_data, tags
from icoc.rules._docs import rules_markdown
from icoc.testing import citations
from icoc.workflows import NONE, PROCESSES, Transition, TransitionTable


@given(st.text(min_size=1).filter(lambda s: not s.endswith(", ") and s.partition(", ")[0].strip() != ""))
def test_the_short_form_reads_back_as_it_was_written(text: str) -> None:
    assert str(Citation.parse(text)) == text


@pytest.mark.parametrize("text", [" ", ", Art. 3", "\t, x"])
def test_a_short_form_without_a_document_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match=r"Citation\.document: must not be empty"):
        Citation.parse(text)


@pytest.mark.parametrize("value", [5, None, ["a, b"]])
def test_a_short_form_that_is_not_text_is_refused(value: object) -> None:
    with pytest.raises(InvalidInput, match=r"Citation: expected a citation or its short form"):
        Citation.of(value)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match=r"Citation: expected a citation or its short form"):
        Citation.parse(value)  # type: ignore[arg-type]


@given(citations())
def test_a_citation_reads_back_from_its_short_form_when_it_has_an_article(cited: Citation) -> None:
    again = Citation.parse(str(cited), mark=cited.mark, url=cited.url)
    assert str(again) == str(cited)
    if ", " not in cited.document:
        assert again == cited


def test_every_transition_and_table_cites_with_the_one_type() -> None:
    for table in PROCESSES.values():
        assert isinstance(table.citation, Citation) and table.citation.article, table.process
        for t in table.transitions:
            assert t.citation is None or isinstance(t.citation, Citation)


def test_a_transition_still_takes_the_old_short_form() -> None:
    t = Transition(source=NONE, event=Admitted, target="x", citation="Articles of Association, Art. 3")
    assert t.citation == Citation(document="Articles of Association", article="Art. 3")
    table = TransitionTable(
        process="p", title="p", subjects=frozenset(), states=("x",), final=frozenset({"x"}), transitions=(t,),
        citation="Some procedure",
    )  # fmt: skip
    assert table.citation == Citation(document="Some procedure")
    assert TransitionTable(**{**_fields(table), "citation": ""}).citation is None


def _fields(table: TransitionTable) -> dict[str, object]:
    return {k: getattr(table, k) for k in ("process", "title", "subjects", "states", "final", "transitions")}


def test_parameters_cite_with_the_one_type_and_keep_their_reference_and_mark() -> None:
    p = DEFAULT_PARAMETERS["certification.count_joining_year"]
    assert isinstance(p.citation, Citation) and p.mark is Mark.PARAMETER is p.citation.mark
    assert p.reference == str(p.citation)
    old = Parameter.of("x.y", Duration(days=3), "a period", "Our contract, clause 7", Mark.INFERRED)
    assert old.citation == Citation(document="Our contract", article="clause 7", mark=Mark.INFERRED)
    assert Parameter.of("x.y", 1, "n", Citation(document="d", article="a")).mark is Mark.CONFIRMED
    for q in DEFAULT_PARAMETERS:
        assert q.citation.document and q.citation.article, q.name


def test_every_default_rule_carries_its_text_and_a_marked_citation() -> None:
    for rule in DEFAULT_RULES:
        assert rule.text.endswith(".") and not rule.text.startswith("["), rule.id
        assert isinstance(rule.citation.mark, Mark)
    marks = {r.id: r.citation.mark for r in DEFAULT_RULES}
    assert marks["ART3.CERT_DEADLINE"] is Mark.CONFIRMED
    assert marks["ART11.CERT_EXPIRY"] is Mark.PARAMETER
    assert marks["ART12.CSA_MISSED.TERMINATION"] is Mark.INFERRED


def _spellings(value: object) -> set[str]:
    """How a parameter's value could be written into a title."""
    if isinstance(value, date):
        return {value.isoformat(), f"{value.day} {value:%B} {value.year}", f"{value:%B} {value.year}"}
    if isinstance(value, Duration):
        return {str(value)}
    if isinstance(value, int) and not isinstance(value, bool):
        ordinals = ["zeroth", "first", "second", "third", "fourth", "fifth", "sixth"]
        return {str(value), *([ordinals[value]] if 0 <= value < len(ordinals) else [])}
    return set()


def test_no_rule_title_hard_codes_a_parameter_value() -> None:
    for rule in DEFAULT_RULES:
        names = set(rule.param_names())
        names |= {
            n for n in (rule.effective.start, rule.effective.end, rule.effective.end_before) if isinstance(n, str)
        }
        for name in names:
            for step in DEFAULT_PARAMETERS[name].history:
                for spelled in _spellings(step.value):
                    assert not re.search(rf"\b{re.escape(spelled)}\b", rule.title), (rule.id, spelled)


def test_the_rules_page_shows_each_rule_text_and_its_parameter_values() -> None:
    page = rules_markdown(DEFAULT_RULES, DEFAULT_PARAMETERS)
    for rule in DEFAULT_RULES:
        assert rule.text in page
    assert "`certification.transitional_period` = 2 years" in page
    assert "(parameter)" in page  # a citation the texts do not confirm is marked


def test_deadline_rules_are_selected_by_tag() -> None:
    deadlines = DEFAULT_RULES.tagged(tags.CERTIFICATION_DEADLINE)
    assert deadlines and all(r.then.payload.get("ground") == "certification_deadline" for r in deadlines)
    assert DEFAULT_RULES.tagged("no-such-tag") == ()
    for name in tags.__all__:
        assert DEFAULT_RULES.tagged(getattr(tags, name)), name


def test_a_rule_file_reads_a_citation_short_form_and_a_mark(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(
        """
rules:
  - id: ART12.SUSPENSION_UNREMEDIED
    title: A suspension not remedied within its period leads to a termination proposal
    citation: Our contract, clause 7
    process: company-status
    due: {after: {fact: suspended_on}, period: suspension.period}
    when: {fact: state, eq: suspended}
    then: {event: termination_proposed, payload: {reason: unremedied}}
  - id: X.MARKED
    title: t
    citation: {document: Our policy, article: "2", mark: inferred}
    process: company-status
    due: {after: {fact: suspended_on}, period: suspension.period}
    then: {event: termination_proposed, payload: {reason: unremedied}}
"""
    )
    rules = load_rules(path)
    assert rules["ART12.SUSPENSION_UNREMEDIED"].citation == Citation(document="Our contract", article="clause 7")
    assert rules["X.MARKED"].citation.mark is Mark.INFERRED
    assert rule_to_data(rules["X.MARKED"])["citation"] == {"document": "Our policy", "article": "2", "mark": "inferred"}
    path.write_text(path.read_text().replace("citation: Our contract, clause 7", "citation: Our contract"))
    with pytest.raises(InvalidInput, match=r"\$\.rules\[0\]\.citation"):
        load_rules(path)
