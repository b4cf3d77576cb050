"""The referral rules: a GoRules decision table (JSON, `rules/instant-claims.json`) that people
can read, review and version, evaluated by `zen-engine` with a trace of the rows that held."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import zen

DEFAULT_RULES = Path(__file__).resolve().parent.parent / "rules" / "instant-claims.json"


@dataclass(frozen=True)
class Reason:
    code: str
    message: str


@dataclass(frozen=True)
class Fired:
    """One row of the table that held: its id, what it says, the reason it gave."""

    rule_id: str
    description: str
    code: str


@dataclass(frozen=True)
class Verdict:
    reasons: tuple[Reason, ...]
    fired: tuple[Fired, ...]


def to_json(value: Any) -> str:
    """JSON with Decimals as exact numbers: the engine compares and adds them as decimals."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        items = (f"{json.dumps(str(k))}:{to_json(v)}" for k, v in value.items())
        return "{" + ",".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(to_json(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


class RuleBook:
    """One version of the decision table, compiled once."""

    def __init__(self, path: Path = DEFAULT_RULES) -> None:
        text = path.read_text(encoding="utf-8")
        document = json.loads(text)
        self.version: str = str(document["version"])
        self._table_id = next(
            n["id"] for n in document["nodes"] if n["type"] == "decisionTableNode"
        )
        self._decision = zen.ZenEngine().create_decision(text)

    def evaluate(self, facts: dict[str, Any]) -> Verdict:
        answer = self._decision.evaluate(to_json(facts), {"trace": True})
        result = answer["result"]
        rows = result if isinstance(result, list) else [result] if result else []
        reasons = tuple(Reason(code=str(r["code"]), message=str(r["message"])) for r in rows)
        trace = answer.get("trace", {}).get(self._table_id, {}).get("traceData") or []
        fired = tuple(
            Fired(
                rule_id=str(t["rule"].get("_id", "")),
                description=str(t["rule"].get("_description", "")),
                code=reasons[i].code if i < len(reasons) else "",
            )
            for i, t in enumerate(trace)
        )
        return Verdict(reasons=reasons, fired=fired)
