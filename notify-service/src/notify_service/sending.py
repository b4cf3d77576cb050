"""Rendering a stored message for its channel and handing it to that channel's provider."""

from __future__ import annotations

from notify_service.channels.base import Outcome, permanent
from notify_service.channels.senders import Senders
from notify_service.domain.templates import render, template
from notify_service.settings import Settings
from notify_service.store import Record


async def send(senders: Senders, settings: Settings, row: Record, address: str) -> Outcome:
    """One provider call for the message in `row` to `address` (an openid or a phone number);
    a notice without a form on the row's channel fails for good."""
    try:
        rendered = render(row.template, dict(row.params))
        notice = template(row.template)
    except ValueError as exc:
        return permanent(f"cannot render {row.template}: {exc}")
    if row.channel == "wechat" and notice.wechat_template_id:
        return await senders.wechat(
            openid=address,
            template_id=settings.template_id("wechat", notice.wechat_template_id),
            data=rendered.wechat,
        )
    if row.channel == "sms" and notice.sms_template_id:
        return await senders.sms(
            phone_number=address,
            template_id=settings.template_id("sms", notice.sms_template_id),
            params=rendered.sms,
        )
    if row.channel == "voice" and notice.voice_template_id:
        return await senders.voice(
            phone_number=address,
            template_id=settings.template_id("voice", notice.voice_template_id),
            params=rendered.voice,
        )
    return permanent(f"{row.template} has no {row.channel} form")
