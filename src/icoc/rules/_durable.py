"""The durable-rules backend: the safe subset of icoc conditions, compiled to a private
durable-rules ruleset, decides which candidate rules hold on one instance's facts.

The agenda (time) stays in Python; this backend only matches. Everything here works around a
hazard recorded in ``notes/durable-rules.md`` or found while writing it:

* **Compile time refuses what could crash or mislead, and keys are typed** (see
  :mod:`icoc.rules._durable_compile`, which translates conditions): one message per rule, never a
  join; comparisons never cross types.
* **32-bit identity.** durable-rules knows property names and message ids only by their
  32-bit FNV-1a hash: keys whose hashes collide are salted at compile time, and every message
  gets an explicit id whose hash is checked against the messages alive in the session.
* **One primed session.** ``delete_state`` segfaults on a session in which no action has
  completed yet (its action context is uninitialised memory), so the one session is primed by
  firing a no-op rule first; matched events are consumed and unmatched ones are never stored,
  so the session does not grow. It is recycled (deleted, primed again) periodically and after
  an error, and deleted with the ruleset on :meth:`DurableBackend.close`.
* **No threads.** ``durable.engine.Host`` starts two never-ending timer threads; ours does not.
* **No swallowed errors.** Every action is wrapped; an exception inside it is re-raised after
  the engine call as a ``RuleError`` with the rule id and citation, and the state durable
  returns is checked for the errors it swallows itself.
* **Python 3.13**: durable-rules does not import there, so it is imported lazily and the
  backend then refuses to start with a ``RuleError``.
"""

from __future__ import annotations

import functools
import itertools
import os
import sys
import weakref
from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import Any, Final

from icoc.errors import RuleError
from icoc.rules._durable_compile import _Compiled, _Keys, fact_key, fact_name, fnv1a32
from icoc.rules._rule import Rule, RuleSet

__all__ = ["DurableBackend", "fact_key", "fact_name", "fnv1a32"]

# --- the engine ----------------------------------------------------------------------------------

_RULESETS = itertools.count(1)
_SID: Final = "icoc"
_RECYCLE_EVERY: Final = 50_000
"""Posts between two session recycles: bounds anything durable might keep per session."""


@functools.cache
def _quiet_host(engine: ModuleType) -> type[Any]:
    """``durable.engine.Host`` without its two never-ending timer threads (``_run`` starts them;
    timers are wall-clock and icoc keeps its own agenda)."""

    class QuietHost(engine.Host):  # type: ignore[misc,name-defined]
        def _run(self) -> None:
            """Start nothing: no dispatch or timer threads."""

    return QuietHost


def _import_durable() -> tuple[ModuleType, ModuleType]:
    try:
        import durable.engine as engine
    except Exception as exc:  # ImportError, or an undefined C symbol on Python 3.13
        raise RuleError(
            "(backend)",
            f"durable-rules is unavailable on this Python ({sys.version.split()[0]}): {exc}. "
            "It installs only on Python < 3.13; use backend='native'",
        ) from exc
    return engine, engine.durable_rules_engine


class _Matches:
    """Where actions record what fired (actions must not hold the backend: no cycles, no leaks)."""

    def __init__(self) -> None:
        self.hits: list[int] = []
        self.errors: list[tuple[int, BaseException]] = []

    def record(self, index: int) -> None:
        self.hits.append(index)


def _action(matches: _Matches, index: int) -> Any:
    """An action with exactly one parameter (two would make durable treat it as asynchronous)
    that never lets an exception reach durable, which would swallow it."""

    def action(c: Any) -> None:
        try:
            matches.record(index)
        except BaseException as exc:
            matches.errors.append((index, exc))

    return action


class _Engine:
    """The durable objects of one backend, freed by ``release`` (directly or by the finalizer)."""

    def __init__(self, engine: ModuleType, core: ModuleType, definition: dict[str, Any], name: str) -> None:
        self.core = core
        self.name = name
        self.not_handled: type[Exception] = engine.MessageNotHandledException
        self.observed: type[Exception] = engine.MessageObservedException
        self.host = _quiet_host(engine)()
        self.host.register_rulesets({name: definition})
        self.ruleset = self.host.get_ruleset(name)
        self.primed = False
        self.released = False

    def post(self, message: dict[str, Any]) -> Any:
        return self.host.post(self.name, message)

    def drop_session(self) -> None:
        """Delete the session; only ever on a primed one (deleting an unprimed one segfaults)."""
        if self.primed:
            self.primed = False
            self.ruleset.delete_state(_SID)

    def release(self) -> None:
        if self.released:
            return
        self.released = True
        try:
            self.drop_session()
        finally:
            self.core.delete_ruleset(self.ruleset._handle)
            self.host._ruleset_directory.clear()
            self.host._ruleset_list.clear()


class DurableBackend:
    """Matches compiled rule conditions with durable-rules, one event per candidate rule.

    Owns a private host, ruleset and session; :meth:`close` frees them (a finalizer does it
    too if a backend is dropped unclosed). Not thread-safe: one registry, one backend.
    """

    name = "durable"

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self._keys = keys = _Keys()
        self._compiled = {r.id: _Compiled(r, i, keys) for i, r in enumerate(rules)}
        engine, core = _import_durable()
        self._matches = _Matches()
        definition: dict[str, Any] = {
            "prime": {"all": [{"m": {"rule": "prime"}}], "run": _action(self._matches, -1)},
        }
        for i, c in enumerate(self._compiled.values()):
            definition[c.tag] = {"all": [{"m": c.expression}], "run": _action(self._matches, i)}
        self._by_index = list(self._compiled.values())
        self._engine = _Engine(engine, core, definition, f"icoc_{os.getpid()}_{next(_RULESETS)}")
        self._finalizer = weakref.finalize(self, _Engine.release, self._engine)
        self._finalizer.atexit = False
        self._state_hash = fnv1a32(f"sid-{_SID}")
        self._seq = 0
        self._posts = 0
        self.salted = 0
        """How many message ids were salted because their hash collided with a live one."""

    # --- matching -------------------------------------------------------------------------------

    def matching(self, rules: Sequence[Rule], facts: Mapping[str, Any]) -> list[str]:
        """Ids of the rules in ``rules`` whose condition holds on ``facts``, in that order."""
        if self._engine.released:
            raise RuleError("(backend)", "this durable-rules backend is closed")
        live = {self._state_hash}
        out: list[str] = []
        for rule in rules:
            compiled = self._compiled.get(rule.id)
            if compiled is None or (compiled.rule is not rule and compiled.rule != rule):
                raise RuleError(rule.id, "is not a rule this durable backend compiled", str(rule.citation))
            message = compiled.message(facts)
            if self._post(compiled, message, live):
                out.append(rule.id)
        return out

    def _new_id(self, live: set[int]) -> str:
        """An explicit message id whose 32-bit hash no live message has (durable would take it
        for a duplicate and reject the event); salted on collision."""
        self._seq += 1
        mid = base = self._id(self._seq)
        h = fnv1a32(mid)
        for salt in itertools.count(1):
            if h not in live:
                break
            self.salted += 1
            mid = f"{base}~{salt}"
            h = fnv1a32(mid)
        live.add(h)
        return mid

    @staticmethod
    def _id(seq: int) -> str:
        return f"m{seq:x}"

    def _post(self, compiled: _Compiled, message: dict[str, Any], live: set[int]) -> bool:
        engine = self._engine
        if not engine.primed:
            self._prime()
        message["sid"] = _SID
        matches = self._matches
        matches.hits.clear()
        for _attempt in range(8):
            message["id"] = self._new_id(live)
            try:
                state = engine.post(message)
            except engine.not_handled:
                state = None
            except engine.observed:
                continue  # a live id we did not know of: salt again
            except Exception as exc:
                self._recycle()
                raise RuleError(compiled.rule.id, f"durable-rules failed: {exc}", compiled.citation) from exc
            break
        else:
            raise RuleError(
                compiled.rule.id, "durable-rules kept refusing its message as a duplicate", compiled.citation
            )
        self._check(compiled, state)
        self._posts += 1
        if self._posts % _RECYCLE_EVERY == 0:
            self._recycle()
        if not matches.hits:
            return False
        if matches.hits != [compiled.index]:
            raise RuleError(compiled.rule.id, f"durable-rules fired {matches.hits} for one message", compiled.citation)
        return True

    def _check(self, compiled: _Compiled, state: Any) -> None:
        """Raise what the action or durable itself swallowed."""
        matches = self._matches
        if matches.errors:
            index, exc = matches.errors[0]
            matches.errors.clear()
            if not isinstance(exc, Exception):
                raise exc  # KeyboardInterrupt, SystemExit: not ours to rename
            failed = self._by_index[index] if index >= 0 else compiled
            raise RuleError(
                failed.rule.id, f"its durable-rules action failed: {type(exc).__name__}: {exc}", failed.citation
            ) from exc
        if isinstance(state, dict) and "exception" in state:
            self._recycle()  # the error is now part of the session state; start a clean one
            raise RuleError(
                compiled.rule.id, f"durable-rules swallowed an error: {state['exception']}", compiled.citation
            )

    def _prime(self) -> None:
        """Fire the no-op rule once, so the session's action context is initialised and the
        session can later be deleted safely."""
        engine = self._engine
        state = engine.post({"sid": _SID, "id": "prime", "rule": "prime"})
        engine.primed = True
        if isinstance(state, dict) and "exception" in state:
            raise RuleError("(backend)", f"durable-rules failed to start a session: {state['exception']}")

    def _recycle(self) -> None:
        self._engine.drop_session()

    # --- lifetime ---------------------------------------------------------------------------

    def close(self) -> None:
        """Delete the session's state, then the ruleset; safe to call twice."""
        self._finalizer()

    def __enter__(self) -> DurableBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def closed(self) -> bool:
        return self._engine.released

    def __repr__(self) -> str:
        state = "closed" if self.closed else f"ruleset {self._engine.name}"
        return f"<DurableBackend {len(self._compiled)} rules, {state}>"
