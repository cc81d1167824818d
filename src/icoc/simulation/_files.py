"""Scenarios as JSON or YAML: a file holds only what differs from the default scenario.

Objects merge field by field into the defaults and mappings key by key (``null`` removes a key),
so ``{population: {regions: {africa: {complaints: 3}}}}`` triples complaints in one region and
keeps everything else. ``rules`` is ``default``, a rule-set document (as ``icoc rules --format
json`` prints) or the path of a rule-set file (relative to the scenario file); ``parameters`` maps
a parameter's name to its value, or to ``{ISO date: value}`` for a dated change; ``registry`` is
the path of a registry file or a history to start from.

Files are read by the one converter of :mod:`icoc.io`, configured here (each part of a scenario
registered with :func:`icoc.io.register_object`, the fields with several forms read by hooks),
so every problem reads as in any other icoc file, with its path
(``scenario.yaml:$.population.companies: ...``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import attrs

import icoc.rules
from icoc.bidders import read_bidders
from icoc.errors import InvalidInput, Problem, preview
from icoc.io import Audience, Refused, converter, load_with, register_object, structure, unstructure
from icoc.model.document import RegistryDocument
from icoc.model.events import History
from icoc.rules import DEFAULT_PARAMETERS, Duration, ParameterSet, RuleSet
from icoc.rules.default import DEFAULT_RULES
from icoc.simulation._behaviour import (
    Board,
    Cases,
    Certification,
    Complaints,
    Delay,
    Findings,
    Population,
    RegionProfile,
    SelfAssessments,
    SizeProfile,
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

for _cls in (*_PARTS.values(), Limits, Delay, SizeProfile, RegionProfile):
    register_object(_cls)


# --- reading: the hooks of the fields with several forms ----------------------------------------


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


def _part(cls: type[Any]) -> Any:
    """A part of the scenario (``population``, ``board``...): the file's object merged over the
    default part's data, read as ``cls``."""
    defaults: dict[str, Any] = {}

    def hook(value: object, _: object) -> Any:
        if value is None:
            return None
        if not isinstance(value, dict):
            raise Refused(f"expected an object ({cls.__name__}), got {type(value).__name__} {preview(value)}")
        if not defaults:
            defaults.update(unstructure(cls(), audience=Audience.FULL))
        return converter.structure(_merge(defaults, value), cls)

    return hook


def _rules(value: object, _: object) -> RuleSet | str | None:
    """``default``, a rule-set document, or a rule-set file's path (read once the scenario
    file's folder is known)."""
    if value is None or value == "default":
        return None if value is None else DEFAULT_RULES
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return icoc.rules.rules_from_data(value)  # the rule-file format loads on first use
    raise Refused(f"expected 'default', the path of a rule-set file or a rule-set document, got {preview(value)}")


_PERIOD = "expected a period such as '90 days' or '1 year 6 months'"


def _period(text: str, path: str) -> Duration:
    """A period written as text: ``90 days``, ``1 year 6 months``, ``2 years, 3 days``."""
    words = text.replace(",", " ").split()
    parts: dict[str, int] = {}
    for n, unit in zip(words[::2], words[1::2], strict=False):
        key = unit.rstrip("s") + "s"
        if key not in ("years", "months", "days") or not n.isdigit() or key in parts:
            break
        parts[key] = int(n)
    else:
        if words and len(words) % 2 == 0:
            return Duration(**parts)
    raise InvalidInput(Problem(path, f"{_PERIOD}, got {preview(text)}"))


def _value(like: Any, value: Any, path: str) -> Any:
    """``value`` read as the type of the parameter's current value ``like``."""
    if isinstance(like, Duration):
        if isinstance(value, str):
            return _period(value, path)
        if not isinstance(value, dict):
            raise InvalidInput(Problem(path, f"{_PERIOD}, got {preview(value)}"))
        return structure(value, Duration, path)
    kind = date if isinstance(like, date) else bool if isinstance(like, bool) else int if isinstance(like, int) else str
    return structure(value, kind, path)


def _since(when: Any, path: str) -> date:
    """The date a parameter step takes effect; ``0001-01-01`` (``date.min``) means "always"."""
    if when == date.min or when == date.min.isoformat():
        return date.min
    return structure(when, date, path)


def _parameters(value: object, _: object) -> ParameterSet | None:
    """Parameters by name: a value from the start, or ``{ISO date: value}`` for dated changes."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise Refused(f"expected a mapping of parameter names to values, got {preview(value)}")
    params = DEFAULT_PARAMETERS
    problems: list[Problem] = []
    for name, raw in value.items():
        where = f"$.{name}"
        if name not in params.parameters:
            problems.append(Problem(where, "unknown parameter (see `icoc rules --parameters`)"))
            continue
        like = params.parameters[name].history[-1].value
        try:
            if isinstance(raw, dict) and not (isinstance(like, Duration) and set(raw) <= {"years", "months", "days"}):
                steps = []
                for when, x in raw.items():
                    steps.append((_since(when, f"{where}.{when}"), _value(like, x, f"{where}.{when}")))
                for on, x in sorted(steps, key=lambda s: s[0]):
                    params = params.with_value(name, x, on)
            else:
                params = params.with_value(name, _value(like, raw, where))
        except InvalidInput as exc:
            problems.extend(exc.problems)
    if problems:
        raise InvalidInput(problems)
    return params


def _schedules(value: object, _: object) -> dict[str, Schedule] | None:
    """Scenario paths to ``{year: value}``."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise Refused(f"expected a mapping of scenario paths to {{year: value}}, got {preview(value)}")
    out: dict[str, Schedule] = {}
    problems: list[Problem] = []
    for key, steps in value.items():
        try:
            out[str(key)] = Schedule(steps)
        except InvalidInput as exc:
            problems.extend(Problem(f"$.{key}{p.path[len('Schedule') :]}", p.message) for p in exc.problems)
    if problems:
        raise InvalidInput(problems)
    return out


def _registry(value: object, _: object) -> History | str | None:
    """A registry file's path (read once the scenario file's folder and start are known) or a history."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, dict):
        return converter.structure(value, History)
    raise Refused(f"expected the path of a registry file or a history, got {preview(value)}")


@attrs.frozen(kw_only=True)
class _ScenarioFile:
    """The shape of a scenario file: every key optional (absent: the default scenario's)."""

    name: str | None = None
    start: date | None = None
    years: int | None = None
    backend: str | None = None
    population: Population | None = None
    self_assessments: SelfAssessments | None = None
    certification: Certification | None = None
    findings: Findings | None = None
    complaints: Complaints | None = None
    cases: Cases | None = None
    board: Board | None = None
    rules: RuleSet | str | None = None
    parameters: ParameterSet | None = None
    limits: Limits | None = None
    schedules: dict[str, Schedule] | None = None
    registry: History | str | None = None


register_object(
    _ScenarioFile,
    name="a scenario",
    hooks={
        **{key: _part(cls) for key, cls in {**_PARTS, "limits": Limits}.items()},
        "rules": _rules,
        "parameters": _parameters,
        "schedules": _schedules,
        "registry": _registry,
    },
)

_GENERATED = ("companies", "csos", "governments")
"""The counts of the generated population, 0 by default in a run from a registry."""


def _beside(file: str, where: str | os.PathLike[str] | None) -> Path:
    path = Path(file)
    return Path(where) / path if where is not None and not path.is_absolute() else path


def scenario_from_data(
    data: Any, *, where: str | os.PathLike[str] | None = None, for_registry: bool = False
) -> Scenario:
    """A scenario from plain data: the default scenario with ``data`` merged over it.

    ``where`` is the folder that relative rule-file paths are read from. When ``data`` names a
    ``registry`` (or ``for_registry``: the caller starts it from one, as ``icoc simulate
    --registry``), the generated population defaults to empty, as :meth:`Scenario.from_registry`
    makes it: ``companies``, ``csos`` and ``governments`` are 0 unless ``data`` sets them.

    Raises :class:`~icoc.errors.InvalidInput` listing every problem with its path
    (``$.population.companies: ...``)."""
    doc = structure(data, _ScenarioFile)
    values = {
        a.name: getattr(doc, a.name)
        for a in attrs.fields(_ScenarioFile)
        if getattr(doc, a.name) is not None and a.name not in ("schedules", "registry")
    }
    if isinstance(doc.rules, str):
        values["rules"] = icoc.rules.load_rules(_beside(doc.rules, where))
    if doc.population is not None and (for_registry or doc.registry is not None):
        named = data["population"]
        values["population"] = attrs.evolve(doc.population, **{k: 0 for k in _GENERATED if k not in named})
    origin: Any = doc.registry
    if isinstance(origin, str):  # problems name the registry file
        origin = registry_source(_beside(origin, where), doc.start)
    # Schedules go on last, through Scenario.scheduled, so a rate absent from its mapping
    # (board.termination_rates.non_payment_of_dues, population.arrivals.member) can follow one.
    try:
        if origin is not None:
            start = values.pop("start", None)
            scenario = Scenario.from_registry(origin, start, **values)
        else:
            scenario = Scenario(**values)
        for path, sched in (doc.schedules or {}).items():
            scenario = scenario.scheduled(path, sched)
        return scenario
    except InvalidInput as exc:  # Scenario.from_registry's ``source`` is the file's ``registry``
        named = (Problem("registry" if p.path == "source" else p.path, p.message) for p in exc.problems)
        raise InvalidInput(named).under("$") from None


def load_scenario(path: str | os.PathLike[str], *, for_registry: bool = False) -> Scenario:
    """Read a scenario from a ``.json``, ``.yaml`` or ``.yml`` file; every problem names the file
    and the path inside it (``scenario.yaml:$.population.companies: ...``). ``for_registry``: as
    :func:`scenario_from_data` (the generated population defaults to empty)."""
    return load_with(path, lambda data: scenario_from_data(data, where=Path(path).parent, for_registry=for_registry))


def registry_source(file: str | os.PathLike[str], as_of: date | None = None) -> Any:
    """What :meth:`Scenario.from_registry` starts from, read from ``file``: a registry document or
    a history (``.json``, ``.yaml``, ``.yml``; a history is an object with ``events``)
    or a bidder list (``.csv``, ``.xlsx``, read with :func:`icoc.bidders.read_bidders` as of
    ``as_of``, which it then needs). Raises :class:`~icoc.errors.InvalidInput` naming the file."""
    p = Path(file)
    suffix = p.suffix.lower()
    if suffix in (".csv", ".xlsx"):
        if as_of is None:
            raise InvalidInput(
                Problem(str(p), "a bidder list needs the date it holds as of: give as_of (--start on the command line)")
            )

        return read_bidders(p, as_of=as_of)
    if not p.is_file():
        raise InvalidInput(Problem(str(p), "no such registry file"))

    def read(data: Any) -> Any:
        if isinstance(data, Mapping) and "events" in data:
            return structure(data, History)
        return structure(data, RegistryDocument)

    return load_with(p, read)


# --- writing ----------------------------------------------------------------------------------------


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
        out["rules"] = {"base": "none", "rules": [icoc.rules.rule_to_data(r) for r in scenario.rules]}
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
