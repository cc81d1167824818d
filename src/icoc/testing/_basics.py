"""The shared ground of the model strategies: dates within the Association's lifetime, identifiers,
text, countries, Code paragraphs and small helpers (enums, optional values, distinct tuples)."""

from __future__ import annotations

import functools
import string
from collections.abc import Sequence
from datetime import date, timedelta
from enum import Enum
from typing import Any, TypeVar, cast

from hypothesis import strategies as st

from icoc.model import (
    CaseStage,
    Citation,
    CodeSection,
    CompanyStatus,
    ComplaintStage,
    Mark,
    MemberId,
)
from icoc.model.code import CODE_PARAGRAPHS, CODE_SECTIONS

__all__ = [
    "citations",
    "MAX_DATE",
    "MIN_DATE",
    "code_paragraphs",
    "code_sections",
    "countries",
    "dates",
    "identifiers",
    "member_ids",
]

T = TypeVar("T")
E = TypeVar("E", bound=Enum)

MIN_DATE = date(2013, 9, 1)
"""The Association was founded in September 2013: nothing it records is older."""
MAX_DATE = date(2035, 12, 31)
"""Far enough ahead for multi-year terms and certificates, near enough to stay plausible."""

_DAY = timedelta(days=1)
_YEAR = timedelta(days=365)
_LAST_START = MAX_DATE - _DAY
"""The last day something with a strictly later end (certificate, term) can start."""

_ID_FIRST = string.ascii_letters + string.digits
_ID_REST = _ID_FIRST + "._:/-"
# Printable, with a few non-ASCII letters so JSON round trips exercise unicode.
_WORD = string.ascii_letters + string.digits + "-'.&éüøñçÅ"
_COUNTRIES = ("CH", "GB", "US", "FR", "DE", "ZA", "KE", "AE", "IQ", "AF", "NG", "CO", "AU", "NO", "SL", "UG")
_ACCREDITATION_BODIES = ("UKAS", "ANAB", "DAkkS", "SAS", "COFRAC", "SANAS", "JAS-ANZ")
# Built once: strategies made afresh inside every draw cost more to validate than to draw.
# Text is short, printable and non-blank without surrounding spaces, as validators expect.
_TEXT: st.SearchStrategy[str] = st.builds(
    lambda a, b: (a + b).rstrip(), st.sampled_from(_ID_FIRST), st.text(_WORD + " ", max_size=20)
)
_IDS: st.SearchStrategy[str] = st.builds(lambda a, b: a + b, st.sampled_from(_ID_FIRST), st.text(_ID_REST, max_size=15))
_FRACTION = st.floats(0, 1)
_ENUM_STRATEGIES: dict[type[Enum], st.SearchStrategy[Any]] = {}
_MAYBE_TEXT = st.none() | _TEXT
_MAYBE_COUNTRY = st.none() | st.sampled_from(_COUNTRIES)
_MAYBE_MEMBER_ID = st.none() | _IDS.map(MemberId)
_GROUNDED = (CompanyStatus.SUSPENDED, CompanyStatus.TERMINATED, CompanyStatus.WITHDRAWN)
_SUSPENDABLE = tuple(s for s in CompanyStatus if s.is_active and s is not CompanyStatus.SUSPENDED)
_BOARD_STAGES = (CaseStage.CORRECTIVE_ACTION, CaseStage.IMPLEMENTED, CaseStage.SUSPENSION_PROCEEDINGS)
_ROUTED = (ComplaintStage.REFERRED, ComplaintStage.REMEDIED, ComplaintStage.UNRESOLVED)


def dates(min_value: date = MIN_DATE, max_value: date = MAX_DATE) -> st.SearchStrategy[date]:
    """Days in the Association's lifetime (2013-09-01 .. 2035-12-31 unless narrowed)."""
    return st.dates(min_value=min_value, max_value=max_value)


def _day(draw: st.DrawFn, lo: date, hi: date) -> date:
    """A day in lo..hi, or ``lo`` when the caller's bounds leave no room (their choice to make).

    Drawn as a fraction of the span from one shared strategy: a fresh ``st.dates`` per call costs
    more to validate than to draw. Fractions 0 and 1 (both ends) are among the first tried, and
    shrinking goes to ``lo``.
    """
    span = (hi - lo).days
    return lo if span <= 0 else lo + timedelta(days=round(draw(_FRACTION) * span))


def _maybe_day(draw: st.DrawFn, lo: date, hi: date) -> date | None:
    """An optional day: absent half the time, as optional dates often are in real records."""
    return None if draw(st.booleans()) else _day(draw, lo, hi)


def identifiers() -> st.SearchStrategy[str]:
    """Strings that match the model's id pattern, kept short for readable failures."""
    return _IDS


def member_ids() -> st.SearchStrategy[MemberId]:
    """Ids for members of any pillar and observers, which share one id space."""
    return identifiers().map(MemberId)


def countries() -> st.SearchStrategy[str]:
    """ISO 3166-1 alpha-2 codes, from a list of real ones so examples read naturally."""
    return st.sampled_from(_COUNTRIES)


@functools.lru_cache(maxsize=32)
def code_paragraphs(min_size: int = 0, max_size: int = 5) -> st.SearchStrategy[tuple[int, ...]]:
    """Sorted, distinct paragraphs of the Code (1..70): the only form findings may cite."""
    return st.lists(st.sampled_from(sorted(CODE_PARAGRAPHS)), unique=True, min_size=min_size, max_size=max_size).map(
        lambda ps: tuple(sorted(ps))
    )


def code_sections() -> st.SearchStrategy[CodeSection]:
    """The Code's sections are fixed text, so only the real ones are valid."""
    return st.sampled_from(CODE_SECTIONS)


def citations() -> st.SearchStrategy[Citation]:
    """A place in a text: a document, usually an article, sometimes a URL, and any mark."""
    return st.builds(Citation, document=_TEXT, article=st.just("") | _TEXT, url=_MAYBE_TEXT, mark=_enum(Mark))


def _enum(tp: type[E]) -> st.SearchStrategy[E]:
    """One shared strategy per enum, so drawing a member costs no new strategy to validate."""
    if tp not in _ENUM_STRATEGIES:
        _ENUM_STRATEGIES[tp] = st.sampled_from(tp)
    return cast("st.SearchStrategy[E]", _ENUM_STRATEGIES[tp])


def _maybe(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T | None]:
    return st.none() | strategy


def _distinct(values: Sequence[T], min_size: int = 0) -> st.SearchStrategy[tuple[T, ...]]:
    return st.lists(st.sampled_from(values), unique=True, min_size=min_size, max_size=len(values)).map(tuple)


def _fresh(draw: st.DrawFn, used: set[str]) -> str:
    """An id not yet in ``used``; a rare collision gets a numeric suffix rather than a redraw."""
    value = base = draw(_IDS)
    n = 1
    while value in used:
        value, n = f"{base}-{n}", n + 1
    used.add(value)
    return value
