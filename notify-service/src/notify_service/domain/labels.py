"""The zh-CN words notices are written with: document types, alert tips, the legal clocks of a
claim, materials requested, and local times. Pure lookups and formatting."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from notify_service.domain.quiet_hours import CHINA
from notify_service.domain.templates import catalogue_table

# The legal clocks of tracking-service (claim.deadline.breached `kind`), as ops read them.
DEADLINE_KINDS = {
    "materials_notice": "材料告知",
    "decision": "理赔核定",
    "payment": "赔款支付",
    "rejection_notice": "拒赔通知",
    "prepayment": "先行赔付",
}
# A clock this service does not know yet still reads as something to handle.
OTHER_DEADLINE = "处理"


def doc_type_name(doc_type: str) -> str:
    """The document type as the user knows it; unknown types read as "other"."""
    names = catalogue_table("doc_types")
    return names.get(doc_type, names["other"])


def alert_tips(kind: str) -> str:
    """What to do about a disaster of this kind."""
    tips = catalogue_table("alert_tips")
    return tips.get(kind, tips["other"])


def alert_kinds() -> frozenset[str]:
    """The disaster kinds an ops alert may name."""
    return frozenset(catalogue_table("alert_tips"))


def deadline_kind_name(kind: str) -> str:
    return DEADLINE_KINDS.get(kind, OTHER_DEADLINE)


def local_text(when: datetime) -> str:
    """A time as the user reads it: Beijing time, to the minute."""
    return when.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def materials_texts(materials: Any) -> tuple[str, str] | None:
    """(names, names with the insurer's reasons) of a materials request, or None if absent."""
    if not isinstance(materials, list) or not materials:
        return None
    items = [m for m in materials if isinstance(m, dict) and m.get("doc_type")]
    if not items:
        return None
    names = "、".join(dict.fromkeys(doc_type_name(str(m["doc_type"])) for m in items))
    detailed = "；".join(
        f"{doc_type_name(str(m['doc_type']))}（{m['reason']}）"
        if m.get("reason")
        else doc_type_name(str(m["doc_type"]))
        for m in items
    )
    return names, detailed
