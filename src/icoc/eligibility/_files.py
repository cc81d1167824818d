"""Policies as YAML or JSON files: start from a built-in policy, add, replace or drop requirements."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from icoc.eligibility._policy import _ARGS, CHECKS, Policy, Requirement
from icoc.errors import InvalidInput, Problem, preview

__all__ = ["load_policy", "policy_from_data", "policy_to_data"]

_REQ_KEYS = {"id", "title", "check", "citation", "statuses", "standards", "categories", "min_severity", "scopes"}


def policy_from_data(data: Any) -> Policy:
    """A policy from plain data; every problem is reported with its path (``$.requirements[1].check``)."""
    from icoc.eligibility.builtin import BUILTIN_POLICIES

    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise InvalidInput(Problem("$", f"expected an object, got {type(data).__name__}"))
    for k in sorted(set(data) - {"id", "title", "description", "extends", "remove", "requirements"}):
        problems.append(Problem(f"$.{k}", "unknown key"))
    for k in ("id", "title"):
        if not isinstance(data.get(k), str) or not data[k].strip():
            problems.append(Problem(f"$.{k}", "required text missing"))
    base: Policy | None = None
    if "extends" in data:
        base = BUILTIN_POLICIES.get(data["extends"])
        if base is None:
            problems.append(
                Problem("$.extends", f"no built-in policy {preview(data['extends'])} ({', '.join(BUILTIN_POLICIES)})")
            )
    reqs: dict[str, Requirement] = {r.id: r for r in base.requirements} if base else {}
    remove = data.get("remove", [])
    if not isinstance(remove, list):
        problems.append(Problem("$.remove", "expected a list of requirement ids"))
        remove = []
    for i, rid in enumerate(remove):
        if rid not in reqs:
            problems.append(Problem(f"$.remove[{i}]", f"no requirement {preview(rid)} to remove"))
        reqs.pop(rid, None)
    raw = data.get("requirements", [])
    if not isinstance(raw, list):
        problems.append(Problem("$.requirements", "expected a list"))
        raw = []
    for i, r in enumerate(raw):
        path = f"$.requirements[{i}]"
        if not isinstance(r, dict):
            problems.append(Problem(path, "expected an object"))
            continue
        for k in sorted(set(r) - _REQ_KEYS):
            problems.append(Problem(f"{path}.{k}", "unknown key"))
        missing = [k for k in ("id", "title", "check", "citation") if k not in r]
        for k in missing:
            problems.append(Problem(f"{path}.{k}", "required field missing"))
        if missing:
            continue
        check = r["check"]
        if check not in CHECKS:
            problems.append(Problem(f"{path}.check", f"unknown check {preview(check)} (known: {', '.join(CHECKS)})"))
            continue
        args: dict[str, Any] = {}
        for k in _ARGS.get(check, frozenset()):
            if k in r:
                args[k] = tuple(r[k]) if isinstance(r[k], list) else r[k]
        for k in set(r) & (_REQ_KEYS - {"id", "title", "check", "citation"}) - set(args):
            problems.append(Problem(f"{path}.{k}", f"check {preview(check)} takes no {preview(k)}"))
        try:
            req = Requirement(id=r["id"], title=r["title"], check=check, citation=r["citation"], args=args)
        except InvalidInput as exc:
            problems.extend(
                Problem(f"{path}.{p.path.split('.', 1)[-1].removeprefix('args.')}", p.message) for p in exc.problems
            )
            continue
        reqs[req.id] = req
    if problems:
        raise InvalidInput(problems)
    try:
        return Policy(
            id=data["id"],
            title=data["title"],
            requirements=tuple(reqs.values()),
            description=data.get("description", base.description if base else ""),
        )
    except InvalidInput as exc:
        raise exc.under("$") from None


def load_policy(path: str | Path) -> Policy:
    """Read a policy from a ``.json``, ``.yaml`` or ``.yml`` file."""
    from icoc.io import load_with

    return load_with(path, policy_from_data)


def policy_to_data(policy: Policy) -> dict[str, Any]:
    """A policy as plain data in the file format."""
    return {
        "id": policy.id,
        "title": policy.title,
        "description": policy.description,
        "requirements": [
            {
                "id": r.id,
                "title": r.title,
                "check": r.check,
                "citation": r.citation,
                **{k: (list(x) if isinstance(x, tuple) else x) for k, x in r.args.items()},
            }
            for r in policy.requirements
        ],
    }
