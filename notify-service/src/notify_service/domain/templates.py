"""The closed set of service notices (templates.toml) and how each channel renders them.

WeChat subscription values must obey their kind's rule or WeChat refuses the whole message
(errcode 47003), so values are fitted here: things shortened, phrases checked when loaded."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from notify_service.domain.masking import mask_sensitive

_DATA = Path(__file__).with_name("templates.toml")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_CHINESE = re.compile(r"^[\u4e00-\u9fff]{1,5}$")
_CHARACTER_STRING = re.compile(r"[^A-Za-z0-9_\-.:]")
THING_MAX = 20
# Sections of templates.toml that are name tables, not notices.
TABLES = ("doc_types", "alert_tips")


class TemplateError(ValueError):
    """A template or its parameters break a rule (unknown key, missing value, bad phrase)."""


@dataclass(frozen=True)
class Template:
    key: str
    title: str
    body: str
    wechat_template_id: str | None
    wechat: dict[str, str]
    sms_template_id: str | None
    sms: list[str]
    voice_template_id: str | None
    voice: list[str]

    def channels(self) -> set[str]:
        found = {"inbox"}
        if self.wechat_template_id:
            found.add("wechat")
        if self.sms_template_id:
            found.add("sms")
        if self.voice_template_id:
            found.add("voice")
        return found


def _kind(key: str) -> str:
    return re.sub(r"\d+$", "", key)


def _check(template: Template) -> None:
    for key, pattern in template.wechat.items():
        kind = _kind(key)
        if kind == "phrase" and not _PLACEHOLDER.search(pattern) and not _CHINESE.match(pattern):
            raise TemplateError(f"{template.key}.{key}: a phrase is 1-5 Chinese characters")
        if kind not in {"thing", "phrase", "character_string", "amount", "time", "number"}:
            raise TemplateError(f"{template.key}.{key}: unsupported value kind {kind!r}")


@cache
def _catalogue() -> dict[str, Any]:
    return tomllib.loads(_DATA.read_text(encoding="utf-8"))


@cache
def templates() -> dict[str, Template]:
    found: dict[str, Template] = {}
    for key, raw in _catalogue().items():
        if key in TABLES:
            continue
        template = Template(
            key=key,
            title=raw["title"],
            body=raw["body"],
            wechat_template_id=raw.get("wechat_template_id"),
            wechat=dict(raw.get("wechat", {})),
            sms_template_id=raw.get("sms_template_id"),
            sms=list(raw.get("sms", [])),
            voice_template_id=raw.get("voice_template_id"),
            voice=list(raw.get("voice", [])),
        )
        _check(template)
        found[key] = template
    return found


def template(key: str) -> Template:
    try:
        return templates()[key]
    except KeyError:
        raise TemplateError(f"no such notice: {key}") from None


def catalogue_table(name: str) -> dict[str, str]:
    """A name table kept beside the notices in templates.toml (`doc_types`, `alert_tips`)."""
    table: dict[str, str] = _catalogue()[name]
    return table


def fill(pattern: str, params: dict[str, str]) -> str:
    """Substitute `{name}` with the masked parameter; a missing one is a TemplateError."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in params:
            raise TemplateError(f"missing parameter {name!r}")
        return mask_sensitive(str(params[name]))

    return _PLACEHOLDER.sub(value, pattern)


def fit_value(key: str, value: str) -> str:
    """Make `value` obey WeChat's rule for the key's kind, or raise TemplateError."""
    kind = _kind(key)
    value = value.strip()
    if kind == "thing":
        if not value:
            raise TemplateError(f"{key}: empty")
        return value if len(value) <= THING_MAX else value[: THING_MAX - 1] + "…"
    if kind == "phrase":
        if not _CHINESE.match(value):
            raise TemplateError(f"{key}: a phrase is 1-5 Chinese characters, got {value!r}")
        return value
    if kind == "character_string":
        cleaned = _CHARACTER_STRING.sub("", value)[:32]
        if not cleaned:
            raise TemplateError(f"{key}: no letters or digits in {value!r}")
        return cleaned
    if kind == "amount":
        match = re.search(r"\d+(?:\.\d{1,2})?", value)
        if match is None:
            raise TemplateError(f"{key}: not an amount: {value!r}")
        return match.group(0) + "元"
    return value[:32]


@dataclass(frozen=True)
class Rendered:
    title: str
    body: str
    wechat: dict[str, dict[str, str]]
    sms: list[str]
    voice: list[str]


def render(key: str, params: dict[str, str]) -> Rendered:
    """Every channel's text for one notice; raises TemplateError on a missing parameter."""
    t = template(key)
    return Rendered(
        title=fill(t.title, params),
        body=fill(t.body, params),
        wechat={k: {"value": fit_value(k, fill(p, params))} for k, p in t.wechat.items()},
        sms=[fill(p, params) for p in t.sms],
        voice=[fill(p, params) for p in t.voice],
    )
