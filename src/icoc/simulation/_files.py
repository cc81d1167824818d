"""Scenarios as JSON or YAML: a file holds only what differs from the default scenario.

Objects merge field by field into the defaults and mappings key by key (``null`` removes a key),
so ``{population: {regions: {africa: {complaints: 3}}}}`` triples complaints in one region and
keeps everything else. ``rules`` is ``default``, a rule-set document (as ``icoc rules --format
json`` prints) or the path of a rule-set file (relative to the scenario file); ``parameters`` maps
a parameter's name to its value, or to ``{ISO date: value}`` for a dated change.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from icoc.errors import InvalidInput, Problem, preview
from icoc.model.dates import date_problem
from icoc.rules import DEFAULT_PARAMETERS, Duration, ParameterSet, RuleSet, load_rules, rule_to_data, rules_from_data
from icoc.rules.default import DEFAULT_RULES

if TYPE_CHECKING:
    from icoc.io import Audience

from icoc.simulation._behaviour import (
    Board,
    Cases,
    Certification,
    Complaints,
    Findings,
    Population,
    SelfAssessments,
)
from icoc.simulation._scenario import Limits, Scenario
from icoc.simulation._values import Schedule

__all__ = ["dump_scenario", "load_scenario", "registry_source", "scenario_from_data", "scenario_to_data"]

_PARTS: dict[str, type[Any]] = {
    "population": Population,
    "self_assessments": SelfAssessments,
    "certification": Certification,
    "findings": Findings,
    "complaints": Complaints,
    "cases": Cases,
    "board": Board,
}
_TOP = ("name", "start", "years", "backend", *_PARTS, "rules", "parameters", "limits", "schedules", "registry")


def _plain(value: Any) -> Any:
    if isinstance(value, Duration):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def scenario_to_data(scenario: Scenario, audience: Audience | None = None) -> dict[str, Any]:
    """Plain data (for JSON or YAML) that :func:`scenario_from_data` reads back to an equal scenario.

    ``audience`` (an :class:`icoc.io.Audience`; everything by default) is who may read the
    registry a run starts from (``Scenario.origin``): fields above its level are withheld, so
    such data reads back to an equal scenario only for ``Audience.FULL``. Results and sweeps
    write their metadata for the public.

    Rules are ``"default"`` when unchanged, else the whole rule set as a rule-set document (a
    rule with a ``Custom`` Python predicate is recorded by label and cannot be read back).
    Parameters list only those that differ from the defaults.
    """
    from icoc.io import Audience, unstructure

    out: dict[str, Any] = {
        "name": scenario.name,
        "start": scenario.start.isoformat(),
        "years": scenario.years,
        "backend": scenario.backend,
    }
    for name in _PARTS:
        out[name] = unstructure(getattr(scenario, name), audience=Audience.FULL)
    if scenario.rules == DEFAULT_RULES:
        out["rules"] = "default"
    else:
        out["rules"] = {"base": "none", "rules": [rule_to_data(r) for r in scenario.rules]}
    params: dict[str, Any] = {}
    for p in scenario.parameters:
        default = DEFAULT_PARAMETERS.parameters.get(p.name)
        if default is not None and default.history == p.history:
            continue
        if len(p.history) == 1 and p.history[0].effective_from == date.min:
            params[p.name] = _plain(p.history[0].value)
        else:
            params[p.name] = {s.effective_from.isoformat(): _plain(s.value) for s in p.history}
    out["parameters"] = params
    if scenario.limits != Limits():
        out["limits"] = unstructure(scenario.limits, audience=Audience.FULL)
    if scenario.schedules:
        out["schedules"] = {path: sched.to_data() for path, sched in scenario.schedules.items()}
    if scenario.origin is not None:
        out["registry"] = unstructure(scenario.origin, audience=audience if audience is not None else Audience.FULL)
    return out


def _merge(base: Any, override: Any) -> Any:
    if isinstance(base, dict) and isinstance(override, dict):
        out = dict(base)
        for k, v in override.items():
            if v is None:
                out.pop(k, None)
            elif k in out:
                out[k] = _merge(out[k], v)
            else:
                out[k] = v
        return out
    return override


def _duration(text: Any, path: str) -> Duration:
    if isinstance(text, Mapping):
        unknown = set(text) - {"years", "months", "days"}
        if unknown:
            raise InvalidInput(Problem(path, f"a period has years, months and days, not {sorted(unknown)}"))
        try:
            return Duration(**{str(k): v for k, v in text.items()})
        except InvalidInput as exc:
            raise exc.under(path) from None
    if not isinstance(text, str):
        raise InvalidInput(
            Problem(path, f"expected a period such as '90 days' or '1 year 6 months', got {preview(text)}")
        )
    words = text.replace(",", " ").split()
    if len(words) % 2 or not words:
        raise InvalidInput(
            Problem(path, f"expected a period such as '90 days' or '1 year 6 months', got {preview(text)}")
        )
    parts: dict[str, int] = {}
    for n, unit in zip(words[::2], words[1::2], strict=True):
        key = unit.rstrip("s") + "s"
        if key not in ("years", "months", "days") or not n.isdigit() or key in parts:
            raise InvalidInput(
                Problem(path, f"expected a period such as '90 days' or '1 year 6 months', got {preview(text)}")
            )
        parts[key] = int(n)
    return Duration(**parts)


def _param_value(like: Any, value: Any, path: str) -> Any:
    """``value`` read as the type of the parameter's current value ``like``."""
    if isinstance(like, Duration):
        return _duration(value, path)
    if isinstance(like, date):
        if type(value) is date:
            d = value
        else:
            try:
                d = date.fromisoformat(value)
            except (TypeError, ValueError):
                raise InvalidInput(Problem(path, f"expected an ISO date YYYY-MM-DD, got {preview(value)}")) from None
        problem = date_problem(d)
        if problem is not None:
            raise InvalidInput(Problem(path, problem))
        return d
    if isinstance(like, bool):
        if not isinstance(value, bool):
            raise InvalidInput(Problem(path, f"expected true or false, got {preview(value)}"))
        return value
    if isinstance(like, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInput(Problem(path, f"expected an integer, got {preview(value)}"))
        return value
    if not isinstance(value, str):
        raise InvalidInput(Problem(path, f"expected text, got {preview(value)}"))
    return value


def _since(when: Any, path: str) -> date:
    """The date a parameter step takes effect; ``0001-01-01`` (``date.min``) means "always"."""
    if when == date.min or when == date.min.isoformat():
        return date.min
    if type(when) is date:
        problem = date_problem(when)
        if problem is not None:
            raise InvalidInput(Problem(path, problem))
        return when
    result: date = _param_value(date.min, str(when), path)
    return result


def _parameters(data: Any, path: str) -> ParameterSet:
    if not isinstance(data, Mapping):
        raise InvalidInput(Problem(path, f"expected a mapping of parameter names to values, got {preview(data)}"))
    params = DEFAULT_PARAMETERS
    problems: list[Problem] = []
    for name, raw in data.items():
        where = f"{path}.{name}"
        if name not in params.parameters:
            problems.append(Problem(where, "unknown parameter (see `icoc rules --parameters`)"))
            continue
        like = params.parameters[name].history[-1].value
        try:
            if isinstance(raw, Mapping) and not (
                isinstance(like, Duration) and set(raw) <= {"years", "months", "days"}
            ):
                steps = []
                for when, value in raw.items():
                    on = _since(when, f"{where}.{when}")
                    steps.append((on, _param_value(like, value, f"{where}.{when}")))
                steps.sort(key=lambda s: s[0])
                for on, value in steps:
                    params = params.with_value(name, value, on)
            else:
                params = params.with_value(name, _param_value(like, raw, where))
        except InvalidInput as exc:
            problems.extend(exc.problems)
    if problems:
        raise InvalidInput(problems)
    return params


def _rules(data: Any, path: str, where: Path | None) -> RuleSet:
    if data == "default":
        return DEFAULT_RULES
    if isinstance(data, str):
        file = Path(data)
        if where is not None and not file.is_absolute():
            file = where / file
        return load_rules(file)
    try:
        return rules_from_data(data)
    except InvalidInput as exc:
        raise exc.under(path) from None


def _schedules(data: Any, path: str) -> dict[str, Schedule]:
    if not isinstance(data, Mapping):
        raise InvalidInput(
            Problem(path, f"expected a mapping of scenario paths to {{year: value}}, got {preview(data)}")
        )
    out: dict[str, Schedule] = {}
    problems: list[Problem] = []
    for key, steps in data.items():
        try:
            out[str(key)] = Schedule(steps)
        except InvalidInput as exc:
            problems.extend(Problem(f"{path}.{key}{p.path[len('Schedule') :]}", p.message) for p in exc.problems)
    if problems:
        raise InvalidInput(problems)
    return out


def registry_source(file: str | os.PathLike[str], as_of: date | None = None) -> Any:
    """What :meth:`Scenario.from_registry` starts from, read from ``file``: a registry document or
    a history (``.json``, ``.yaml``, ``.yml``, ``.jsonl``; a history is an object with ``events``)
    or a bidder list (``.csv``, ``.xlsx``, read with :func:`icoc.bidders.read_bidders` as of
    ``as_of``, which it then needs). Raises :class:`~icoc.errors.InvalidInput` naming the file."""
    from icoc.io import load_with, structure
    from icoc.model import RegistryDocument
    from icoc.model.events import History

    p = Path(file)
    suffix = p.suffix.lower()
    if suffix in (".csv", ".xlsx"):
        if as_of is None:
            raise InvalidInput(
                Problem(str(p), "a bidder list needs the date it holds as of: give as_of (--start on the command line)")
            )
        from icoc.bidders import read_bidders

        return read_bidders(p, as_of=as_of)
    if not p.is_file():
        raise InvalidInput(Problem(str(p), "no such registry file"))

    def read(data: Any) -> Any:
        if isinstance(data, Mapping) and "events" in data:
            return structure(data, History)
        return structure(data, RegistryDocument)

    return load_with(p, read)


def scenario_from_data(
    data: Any, *, where: str | os.PathLike[str] | None = None, for_registry: bool = False
) -> Scenario:
    """A scenario from plain data: the default scenario with ``data`` merged over it.

    ``where`` is the folder that relative rule-file paths are read from. When ``data`` names a
    ``registry`` (or ``for_registry``: the caller starts it from one, as ``icoc simulate
    --registry``), the generated population defaults to empty, as :meth:`Scenario.from_registry`
    makes it: ``companies``, ``csos`` and ``governments`` are 0 unless ``data`` sets them."""
    from icoc.io import structure

    if not isinstance(data, Mapping):
        raise InvalidInput(Problem("$", f"expected a scenario object, got {type(data).__name__}"))
    problems = [Problem(f"$.{k}", f"unknown key (expected one of {', '.join(_TOP)})") for k in data if k not in _TOP]
    defaults = scenario_to_data(Scenario())
    if for_registry or "registry" in data:
        defaults["population"] = {**defaults["population"], "companies": 0, "csos": 0, "governments": 0}
    values: dict[str, Any] = {}
    for key in ("name", "start", "years", "backend"):
        if key in data:
            values[key] = data[key]
    if isinstance(values.get("start"), str):
        try:
            values["start"] = date.fromisoformat(values["start"])
        except ValueError:
            problems.append(Problem("$.start", f"expected an ISO date YYYY-MM-DD, got {preview(values['start'])}"))
            del values["start"]
    if type(values.get("start")) is date and date_problem(values["start"]) is not None:
        problems.append(Problem("$.start", str(date_problem(values["start"]))))
        del values["start"]
    for key, cls in {**_PARTS, "limits": Limits}.items():
        if key not in data:
            continue
        try:
            values[key] = structure(_merge(defaults.get(key, {}), data[key]), cls, f"$.{key}")
        except InvalidInput as exc:
            problems.extend(exc.problems)
    try:
        if "rules" in data:
            values["rules"] = _rules(data["rules"], "$.rules", Path(where) if where is not None else None)
    except InvalidInput as exc:
        problems.extend(exc.problems)
    try:
        if "parameters" in data:
            values["parameters"] = _parameters(data["parameters"], "$.parameters")
    except InvalidInput as exc:
        problems.extend(exc.problems)
    try:
        if "schedules" in data:
            values["schedules"] = _schedules(data["schedules"], "$.schedules")
    except InvalidInput as exc:
        problems.extend(exc.problems)
    origin: Any = None
    if "registry" in data and not problems:
        raw = data["registry"]
        try:
            if isinstance(raw, str):
                file = Path(raw)
                if where is not None and not file.is_absolute():
                    file = Path(where) / file
                origin = registry_source(file, values.get("start"))
            elif isinstance(raw, Mapping):
                from icoc.model.events import History

                origin = structure(raw, History, "$.registry")
            else:
                problems.append(
                    Problem("$.registry", f"expected the path of a registry file or a history, got {preview(raw)}")
                )
        except InvalidInput as exc:  # problems name the registry file, or $.registry
            problems.extend(exc.problems)
    if problems:
        raise InvalidInput(problems)
    # Schedules go on last, through Scenario.scheduled, so a rate absent from its mapping
    # (board.termination_rates.non_payment_of_dues, population.arrivals.member) can follow one.
    schedules = values.pop("schedules", {})
    try:
        if origin is not None:
            start = values.pop("start", None)
            scenario = Scenario.from_registry(origin, start, **values)
        else:
            scenario = Scenario(**values)
        for where_, sched in schedules.items():
            scenario = scenario.scheduled(where_, sched)
        return scenario
    except InvalidInput as exc:
        raise exc.under("$") from None


def load_scenario(path: str | os.PathLike[str], *, for_registry: bool = False) -> Scenario:
    """Read a scenario from a ``.json``, ``.yaml`` or ``.yml`` file; every problem names the file
    and the path inside it (``scenario.yaml:$.population.companies: ...``). ``for_registry``: as
    :func:`scenario_from_data` (the generated population defaults to empty)."""
    from icoc.io import load_with

    return load_with(path, lambda data: scenario_from_data(data, where=Path(path).parent, for_registry=for_registry))


def scenario_json(scenario: Scenario) -> str:
    """The scenario as JSON text (what :func:`dump_scenario` writes for ``.json``)."""
    return json.dumps(scenario_to_data(scenario), indent=2, ensure_ascii=False)


def dump_scenario(scenario: Scenario, path: str | os.PathLike[str]) -> None:
    """Write a scenario as JSON or YAML (by suffix)."""
    p = Path(path)
    if p.suffix.lower() in (".yaml", ".yml"):
        import yaml

        text = yaml.safe_dump(scenario_to_data(scenario), sort_keys=False, allow_unicode=True)
    else:
        text = scenario_json(scenario) + "\n"
    p.write_text(text, encoding="utf-8")
