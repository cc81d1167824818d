"""Joining fee and annual dues. Only the USD 1,000 PSC joining fee is published; revenue
bands, CSO dues and the observer fee are parameters with placeholder defaults."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

import attrs

from icoc.model import validators as v
from icoc.model.ids import MemberId

__all__ = ["DuesBand", "FeeKind", "FeeSchedule", "Payment"]


@attrs.frozen(kw_only=True)
class DuesBand:
    """Annual dues for companies whose yearly revenue (USD) is at least ``min_revenue_usd``."""

    name: str = attrs.field(validator=v.text)
    min_revenue_usd: int = attrs.field(validator=v.int_range(0))
    annual_usd: int = attrs.field(validator=v.int_range(0))


def _bands(instance: FeeSchedule, attribute: attrs.Attribute[Any], value: Any) -> None:
    mins = [b.min_revenue_usd for b in value]
    if mins != sorted(set(mins)):
        raise v.invalid(instance, attribute.name, "bands must have distinct, ascending min_revenue_usd")
    if value and mins[0] != 0:
        raise v.invalid(instance, attribute.name, "the first band must start at revenue 0")


@attrs.frozen(kw_only=True)
class FeeSchedule:
    """Fees in USD. ``joining_fee_usd`` (1,000) is confirmed; the rest are [P] placeholders."""

    joining_fee_usd: int = attrs.field(default=1000, validator=v.int_range(0))
    dues_bands: tuple[DuesBand, ...] = attrs.field(
        default=(
            DuesBand(name="A", min_revenue_usd=0, annual_usd=2500),
            DuesBand(name="B", min_revenue_usd=5_000_000, annual_usd=5000),
            DuesBand(name="C", min_revenue_usd=50_000_000, annual_usd=10000),
            DuesBand(name="D", min_revenue_usd=500_000_000, annual_usd=20000),
        ),
        validator=[v.tuple_of(DuesBand), _bands],
    )
    cso_annual_usd: int = attrs.field(default=0, validator=v.int_range(0))
    observer_annual_usd: int = attrs.field(default=500, validator=v.int_range(0))

    def band_for(self, revenue_usd: int) -> DuesBand | None:
        chosen = None
        for band in self.dues_bands:
            if revenue_usd >= band.min_revenue_usd:
                chosen = band
        return chosen


class FeeKind(StrEnum):
    """What a payment is for."""

    JOINING = "joining"
    ANNUAL_DUES = "annual_dues"
    OBSERVER = "observer"
    VOLUNTARY_CONTRIBUTION = "voluntary_contribution"


@attrs.frozen(kw_only=True)
class Payment:
    """A payment by a member: kind, the year it is for, amount in whole US dollars and the day it was paid."""

    member: MemberId = attrs.field(validator=v.identifier)
    kind: FeeKind = attrs.field(validator=v.enum(FeeKind))
    year: int = attrs.field(validator=v.int_range(2013, 9999))
    amount_usd: int = attrs.field(validator=v.int_range(0))
    paid: date = attrs.field(validator=v.a_date)
