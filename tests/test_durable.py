"""The durable-rules backend's own guarantees: it refuses what it cannot run, names the rule in
every error, survives 32-bit hash collisions, starts no threads and frees what it allocates."""

from __future__ import annotations

import gc
import itertools
import os
import string
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import icoc
from icoc.errors import RuleError
from icoc.model import ServiceDomain
from icoc.model.events import Admission, Admitted, ApplicantKind, ApplicationSubmitted, DueDiligenceStarted
from icoc.rules import (
    DEFAULT_RULES,
    TRUE,
    Citation,
    Cmp,
    Condition,
    Custom,
    Emit,
    F,
    FactDate,
    In,
    Not,
    Rule,
    RuleSet,
    _durable,
)
from icoc.rules._durable import DurableBackend, fact_key, fact_name, fnv1a32

durable_only = pytest.mark.skipif(sys.version_info >= (3, 13), reason="durable-rules does not import on Python 3.13+")

CITE = Citation(document="Test document", article="Art. 7")


def rule(when: Condition, rid: str = "T.RULE") -> Rule:
    from icoc.model.events import TerminationProposed

    return Rule(
        id=rid,
        title="test",
        citation=CITE,
        process="company-status",
        due=FactDate("since"),
        when=when,
        then=Emit(event=TerminationProposed, payload={"reason": "test"}),
    )


# --- 32-bit FNV-1a, as durable-rules computes it ---------------------------------------------------

_P = 0x01000193
_PINV = pow(_P, -1, 2**32)


def _unstep(h: int, suffix: str) -> int:
    """The hash before ``suffix`` was hashed (FNV-1a steps are invertible)."""
    for b in reversed(suffix.encode()):
        h = ((h * _PINV) & 0xFFFFFFFF) ^ (b | 0xFFFFFF00 if b & 0x80 else b)
    return h


def _continue(h: int, text: str) -> int:
    for b in text.encode():
        h = ((h ^ (b | 0xFFFFFF00 if b & 0x80 else b)) * _P) & 0xFFFFFFFF
    return h


def colliding(target: str, prefix: str = "", alphabet: str = string.ascii_lowercase + string.digits) -> Iterator[str]:
    """Strings ``prefix + 6 symbols`` with the same 32-bit hash as ``target`` (meet in the middle)."""
    goal = fnv1a32(target)
    for extra in itertools.chain([""], alphabet):
        start = fnv1a32(prefix + extra)
        forward: dict[int, str] = {}
        for t in itertools.product(alphabet, repeat=3):
            forward.setdefault(_continue(start, "".join(t)), "".join(t))
        for t in itertools.product(alphabet, repeat=3):
            tail = "".join(t)
            head = forward.get(_unstep(goal, tail))
            if head is not None and prefix + extra + head + tail != target:
                yield prefix + extra + head + tail


def test_hash_matches_the_c_core_constants() -> None:
    # durable-rules' C core hard-codes these hashes of the property names "id" and "sid".
    assert fnv1a32("id") == 926444256
    assert fnv1a32("sid") == 3593476751
    assert fnv1a32("") == 0x811C9DC5


@durable_only
def test_hash_reads_bytes_as_signed_chars_like_durable() -> None:
    """An event id with the hash of the session's state fact (``sid-icoc``) is rejected by
    durable as a duplicate; the signed-char hash predicts which ids are, the unsigned one not."""
    signed_only = "mögßefg"  # same signed-char hash as "sid-icoc", different unsigned hash
    unsigned_only = "mägähj1"  # the other way round
    assert fnv1a32(signed_only) == fnv1a32("sid-icoc")
    assert fnv1a32(unsigned_only) != fnv1a32("sid-icoc")
    backend = DurableBackend(DEFAULT_RULES)
    try:
        backend.matching([DEFAULT_RULES.rules[0]], {})  # starts (primes) the session
        engine = backend._engine
        message = {"sid": "icoc", "rule": "r0", "s_standing": "x6d656d626572"}  # rule 0: standing == member
        with pytest.raises(engine.observed):
            engine.post({**message, "id": signed_only})
        engine.post({**message, "id": unsigned_only})  # accepted: matched and consumed
        ascii_twin = next(colliding("sid-icoc", "m"))
        with pytest.raises(engine.observed):
            engine.post({**message, "id": ascii_twin})
    finally:
        backend.close()


@durable_only
def test_ids_colliding_with_live_ids_are_salted_and_still_match(monkeypatch: pytest.MonkeyPatch) -> None:
    twin = next(colliding("sid-icoc", "m"))  # collides with the session's state fact
    a, b = next(colliding("m1")), "m1"  # collide with each other
    ids = iter([twin, a, b, a, b])
    monkeypatch.setattr(DurableBackend, "_id", staticmethod(lambda seq: next(ids)))
    r1, r2 = rule(F("state") == "member", "T.ONE"), rule(F("state").in_("member", "x"), "T.TWO")
    backend = DurableBackend(RuleSet([r1, r2]))
    try:
        assert backend.matching([r1], {"state": "member"}) == ["T.ONE"]
        assert backend.salted == 1
        assert backend.matching([r1, r2], {"state": "member"}) == ["T.ONE", "T.TWO"]
        assert backend.matching([r2, r1], {"state": "x"}) == ["T.TWO"]
        assert backend.salted == 3
    finally:
        backend.close()


@durable_only
def test_fact_keys_with_colliding_hashes_are_salted() -> None:
    # A fact name whose durable key has the same 32-bit hash as the key of "state": without
    # salting durable would read one property as the other.
    other = next(colliding(fact_key("state", "s"), "s_"))[2:]
    assert fnv1a32(fact_key(other, "s")) == fnv1a32(fact_key("state", "s"))
    both = rule((F("state") == "member") & (F(other) == "other"), "T.BOTH")
    flipped = rule((F("state") == "other") & (F(other) == "member"), "T.FLIPPED")
    backend = DurableBackend(RuleSet([both, flipped]))
    try:
        assert backend._keys.key(other, "s") != fact_key(other, "s")
        facts = {"state": "member", other: "other"}
        assert backend.matching([both, flipped], facts) == ["T.BOTH"]
        assert backend.matching([both, flipped], {"state": "other", other: "member"}) == ["T.FLIPPED"]
    finally:
        backend.close()


@given(st.text(max_size=12), st.text(max_size=12), st.sampled_from(["n", "s", "d"]))
def test_fact_keys_are_injective_and_reversible(a: str, b: str, kind: str) -> None:
    assert fact_name(fact_key(a, kind)) == (a, kind)
    assert (fact_key(a, kind) == fact_key(b, kind)) == (a == b)
    assert set(fact_key(a, kind)) <= set(string.ascii_letters + string.digits + "_")


# --- compile-time refusals ---------------------------------------------------------------------------


class Weird(Condition):
    def holds(self, facts: Any) -> bool:
        return True


class SubclassedNot(Not):
    pass


@pytest.mark.parametrize(
    ("when", "why"),
    [
        (Custom("a Python predicate", lambda facts: True), "Custom predicate"),
        ((F("state") == "member") & Custom("nested", lambda facts: True), "Custom predicate"),
        (Cmp("score", ">", 0.5), "float"),
        (In("score", (1, 2.5)), "float"),
        (Weird(), "Weird is not in the subset"),
        (SubclassedNot(TRUE), "SubclassedNot is not in the subset"),
        (Cmp("when", "<", datetime(2020, 1, 1)), "datetime"),
        (Cmp("n", "<", None), "against None"),
        (Cmp("n", "==", 2**64), "64-bit"),
        (Cmp("n", "~", 1), "unknown comparison"),
        (Cmp("s", "==", "\ud800"), "UTF-8"),
        (Not(Cmp("", "==", 1)), "fact name"),
    ],
)
def test_what_durable_cannot_run_is_refused_when_the_backend_is_built(when: Condition, why: str) -> None:
    rules = DEFAULT_RULES.with_rules(rule(when, "X.REFUSED"))
    with pytest.raises(RuleError) as info:
        DurableBackend(rules)
    assert info.value.rule_id == "X.REFUSED"
    assert why in str(info.value)
    assert "Test document, Art. 7" in str(info.value)


def test_a_registry_with_a_custom_rule_refuses_the_durable_backend() -> None:
    rules = DEFAULT_RULES.with_rules(rule(Custom("always", lambda facts: True), "X.CUSTOM"))
    with pytest.raises(RuleError, match=r"X\.CUSTOM"):
        icoc.Registry(rules=rules, backend="durable")
    icoc.Registry(rules=rules, backend="native").close()  # the native backend runs it


@durable_only
def test_every_default_rule_compiles() -> None:
    with DurableBackend(DEFAULT_RULES) as backend:
        assert [c.rule.id for c in backend._compiled.values()] == list(DEFAULT_RULES.ids)
        for compiled in backend._compiled.values():
            assert compiled.expression  # a plain JSON-able dict, never a join of two messages
            assert len(backend._engine.ruleset.get_definition()[compiled.tag]["all"]) == 1


@durable_only
def test_a_fact_that_cannot_be_posted_names_the_rule() -> None:
    r = rule(F("n") > 3)
    with DurableBackend(RuleSet([r])) as backend:
        for value in (1.5, "text", datetime(2020, 1, 1), 2**70):
            with pytest.raises(RuleError) as info:
                backend.matching([r], {"n": value})
            assert info.value.rule_id == "T.RULE" and "fact n" in str(info.value)
        assert backend.matching([r], {"n": 4}) == ["T.RULE"]


@durable_only
def test_a_rule_from_another_rule_set_is_refused() -> None:
    with DurableBackend(DEFAULT_RULES) as backend:
        stranger = rule(TRUE, "ART3.CERT_DEADLINE")
        with pytest.raises(RuleError, match="not a rule this durable backend compiled"):
            backend.matching([stranger], {})


# --- errors inside and around actions -----------------------------------------------------------------


@durable_only
def test_an_action_error_surfaces_with_the_rule_id_and_citation(monkeypatch: pytest.MonkeyPatch) -> None:
    r = rule(F("state") == "member")
    with DurableBackend(RuleSet([r])) as backend:

        def boom(index: int) -> None:
            raise ValueError("disk full")

        monkeypatch.setattr(backend._matches, "record", boom)
        with pytest.raises(RuleError) as info:
            backend.matching([r], {"state": "member"})
        assert info.value.rule_id == "T.RULE" and info.value.citation == "Test document, Art. 7"
        assert "ValueError: disk full" in str(info.value)
        assert isinstance(info.value.__cause__, ValueError)
        monkeypatch.undo()
        assert backend.matching([r], {"state": "member"}) == ["T.RULE"]


@durable_only
def test_an_error_durable_swallowed_into_the_session_is_raised() -> None:
    """If an exception reaches durable (bypassing our wrapper), durable stores it in the
    session state and returns normally; the backend reads the state and raises."""
    r = rule(F("state") == "member")
    with DurableBackend(RuleSet([r])) as backend:
        promise = backend._engine.ruleset._actions["r0"]
        wrapped = promise._func

        def raw_failure(c: Any) -> None:
            raise KeyError("lost")

        promise._func = raw_failure
        with pytest.raises(RuleError) as info:
            backend.matching([r], {"state": "member"})
        assert info.value.rule_id == "T.RULE" and "swallowed" in str(info.value) and "lost" in str(info.value)
        promise._func = wrapped
        # The session carrying the error was replaced by a clean one.
        assert backend.matching([r], {"state": "member"}) == ["T.RULE"]
        assert backend.matching([r], {"state": "other"}) == []


# --- sessions, threads, memory ---------------------------------------------------------------------------


@durable_only
def test_one_session_recycled_without_losing_matches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_durable, "_RECYCLE_EVERY", 3)
    r = rule(F("n") >= 5)
    with DurableBackend(RuleSet([r])) as backend:
        got = [backend.matching([r], {"n": i}) for i in range(10)]
        assert got == [[]] * 5 + [["T.RULE"]] * 5
        ruleset = backend._engine.ruleset
        assert ruleset.get_state("icoc")["sid"] == "icoc"
        assert ruleset.get_pending_events("icoc") == []  # nothing left behind in the session
        with pytest.raises(Exception, match="error code"):
            ruleset.get_state("another")  # no other session was ever created


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def _admit(reg: icoc.Registry, cid: str, on: date) -> None:
    reg.submit_all(
        [
            ApplicationSubmitted(
                subject=cid,
                effective=on,
                applicant=ApplicantKind.COMPANY,
                name=cid.title(),
                country="GB",
                provides_security_services=True,
                services=(ServiceDomain.LAND,),
            ),
            DueDiligenceStarted(subject=cid, effective=on),
            Admitted(subject=cid, effective=on, admission=Admission.MEMBER),
        ]
    )


@durable_only
def test_no_threads_are_started_and_closing_is_idempotent() -> None:
    before = {t.ident for t in threading.enumerate()}
    backends = [DurableBackend(DEFAULT_RULES) for _ in range(20)]
    for b in backends:
        b.matching(list(DEFAULT_RULES), {"state": "member", "csa.latest": "satisfactory"})
    assert {t.ident for t in threading.enumerate()} == before
    for b in backends:
        b.close()
        b.close()
        assert b.closed
    with pytest.raises(RuleError, match="closed"):
        backends[0].matching([DEFAULT_RULES.rules[0]], {})
    assert {t.ident for t in threading.enumerate()} == before


@durable_only
def test_a_backend_never_used_closes_cleanly() -> None:
    backend = DurableBackend(DEFAULT_RULES)
    assert backend.matching([], {"state": "member"}) == []  # nothing posted, no session started
    backend.close()
    assert backend.closed and "closed" in repr(backend)


@durable_only
def test_an_unclosed_backend_is_freed_when_collected() -> None:
    backend = DurableBackend(DEFAULT_RULES)
    backend.matching([DEFAULT_RULES.rules[0]], {"state": "member"})
    engine = backend._engine
    del backend
    gc.collect()
    assert engine.released


@durable_only
def test_1000_registries_leave_threads_and_memory_flat() -> None:
    """Each registry compiles, primes, matches and frees its own durable ruleset."""

    def run(n: int) -> None:
        for i in range(n):
            with icoc.Registry(backend="durable") as reg:
                _admit(reg, f"co-{i}", date(2023, 5, 10))
                assert [e.cause.rule for e in reg.advance_to(date(2027, 1, 1))] == ["ART3.CERT_DEADLINE"]

    run(20)  # warm up allocator and caches
    gc.collect()
    threads, rss = threading.active_count(), _rss_mb()
    run(1000)
    gc.collect()
    grown = _rss_mb() - rss
    print(f"\n1,000 durable registries: RSS {rss:.1f} MB -> {rss + grown:.1f} MB; threads {threads}")
    assert threading.active_count() == threads
    assert grown < 50, f"RSS grew {grown:.1f} MB over 1,000 registries"


def test_importing_the_backend_works_without_durable_and_building_it_explains() -> None:
    """What Python 3.13 sees: ``durable`` cannot be imported. The module still imports; the
    backend refuses to start with a RuleError."""
    code = (
        "import sys; sys.modules['durable'] = None; sys.modules['durable.engine'] = None\n"
        "import icoc.rules._durable as d\n"
        "from icoc.rules import DEFAULT_RULES\n"
        "from icoc.errors import RuleError\n"
        "try:\n    d.DurableBackend(DEFAULT_RULES)\nexcept RuleError as e:\n    print('REFUSED', e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.startswith("REFUSED") and "durable-rules is unavailable on this Python" in out
    assert "backend='native'" in out
