"""Year-end bookkeeping: each admitted company's status, certification and self-assessment as
they stand on 31 December (the ``company-years`` table), taken after every other step of the day."""

from __future__ import annotations

from collections.abc import Callable

from icoc.simulation._agenda import Run
from icoc.simulation._tables import YearState

__all__ = ["STEPS"]


def year_end(run: Run, year: int) -> None:
    """Each admitted company's status, certification and self-assessment at the year's end."""
    for cid, c in run.companies.items():
        if c.admitted is None:
            continue
        run.states.append(
            YearState(
                company=cid,
                year=year,
                status=run.status(cid) or "",
                certification=run.state("certification", cid) or "",
                self_assessment=run.state("self-assessment", f"{cid}#{year}") or "",
            )
        )


STEPS: dict[str, Callable[..., None]] = {"year_end": year_end}
"""The steps this module takes, by the kind the agenda names them with."""
