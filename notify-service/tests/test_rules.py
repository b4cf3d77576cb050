"""notify's pure rules: the escalation ladder, quiet hours, caps, WeChat value rules, masking,
and the Tencent Cloud request signature."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lipei_dev.standins.tencentcloud import TencentCloudStandIn
from lipei_dev.standins.wechat import value_error
from notify_service.channels.tc3 import CONTENT_TYPE, authorization
from notify_service.domain.contact import is_e164
from notify_service.domain.delivery_plan import plan
from notify_service.domain.escalation import (
    EscalationPolicy,
    Reminder,
    due_steps,
    escalation_reason,
    failed_for_good,
    next_due_at,
    resolves,
    step_due_at,
)
from notify_service.domain.labels import doc_type_name
from notify_service.domain.masking import mask_sensitive, short_ref
from notify_service.domain.quiet_hours import QuietHours, local_day_start, next_day_start
from notify_service.domain.templates import (
    TemplateError,
    fit_value,
    render,
    templates,
)

POLICY = EscalationPolicy(sms_after=timedelta(hours=4), voice_after=timedelta(hours=24))
START = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def shanghai(hour: int, minute: int = 0, day: int = 23) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC) - timedelta(hours=8)


# --- escalation ------------------------------------------------------------------------------


def test_a_new_reminder_is_due_on_wechat_only() -> None:
    assert due_steps(POLICY, Reminder(started_at=START), START) == ["wechat"]


def test_sms_follows_after_n_hours_and_voice_after_m() -> None:
    after_wechat = Reminder(started_at=START, reached=1)
    assert due_steps(POLICY, after_wechat, START + timedelta(hours=3, minutes=59)) == []
    assert due_steps(POLICY, after_wechat, START + timedelta(hours=4)) == ["sms"]
    after_sms = Reminder(started_at=START, reached=2)
    assert due_steps(POLICY, after_sms, START + timedelta(hours=23)) == []
    assert due_steps(POLICY, after_sms, START + timedelta(hours=24)) == ["voice"]
    assert due_steps(POLICY, Reminder(started_at=START, reached=3), START + timedelta(days=9)) == []


def test_a_late_check_takes_every_missed_step_once() -> None:
    late = START + timedelta(days=2)
    assert due_steps(POLICY, Reminder(started_at=START, reached=1), late) == ["sms", "voice"]


def test_nothing_is_due_once_the_user_acted() -> None:
    resolved = Reminder(started_at=START, reached=1, resolved=True)
    assert due_steps(POLICY, resolved, START + timedelta(days=3)) == []
    assert next_due_at(POLICY, resolved) is None


def test_next_due_at_walks_the_ladder() -> None:
    assert next_due_at(POLICY, Reminder(START, reached=1)) == START + timedelta(hours=4)
    assert next_due_at(POLICY, Reminder(START, reached=2)) == START + timedelta(hours=24)
    assert next_due_at(POLICY, Reminder(START, reached=3)) is None


def test_only_an_action_after_the_reminder_answers_it() -> None:
    assert resolves(START, START + timedelta(minutes=1))
    assert not resolves(START, START - timedelta(minutes=1))


REFUSED = "errcode 43101: user refuse to accept the msg"


def test_a_wechat_refusal_brings_the_sms_forward_and_leaves_voice_at_its_time() -> None:
    refused_at = START + timedelta(minutes=1)
    after_wechat = Reminder(started_at=START, reached=1)
    hastened = failed_for_good(POLICY, after_wechat, "wechat", refused_at, REFUSED)
    assert due_steps(POLICY, hastened, START) == []  # not before the refusal itself
    assert due_steps(POLICY, hastened, refused_at) == ["sms"]
    assert next_due_at(POLICY, hastened) == refused_at
    # Once the SMS is out the ladder is back on its clock: voice M hours from the start.
    after_sms = Reminder(started_at=START, reached=2)
    assert due_steps(POLICY, after_sms, START + timedelta(hours=23, minutes=59)) == []
    assert next_due_at(POLICY, after_sms) == START + timedelta(hours=24)


def test_an_sms_that_fails_for_good_brings_the_call_forward() -> None:
    failed_at = START + timedelta(hours=4, minutes=1)
    after_sms = Reminder(started_at=START, reached=2)
    hastened = failed_for_good(POLICY, after_sms, "sms", failed_at, "InvalidPhoneNumber")
    assert due_steps(POLICY, hastened, failed_at) == ["voice"]
    assert escalation_reason(POLICY, hastened, "voice") == (
        "sms cannot reach the user: InvalidPhoneNumber"
    )


def test_a_failure_the_ladder_has_moved_past_changes_nothing() -> None:
    late = START + timedelta(hours=5)
    after_sms = Reminder(started_at=START, reached=2)
    # The WeChat message was held back (daily cap) and failed after the SMS went out.
    assert failed_for_good(POLICY, after_sms, "wechat", late, REFUSED) == after_sms
    after_voice = Reminder(started_at=START, reached=3)
    assert failed_for_good(POLICY, after_voice, "voice", late, "no answer") == after_voice
    assert failed_for_good(POLICY, Reminder(START), "wechat", late, REFUSED) == Reminder(START)


def test_a_failure_after_the_user_acted_escalates_nothing() -> None:
    resolved = Reminder(started_at=START, reached=1, resolved=True)
    later = START + timedelta(minutes=5)
    assert failed_for_good(POLICY, resolved, "wechat", later, REFUSED) == resolved
    # Even a failure recorded before the user acted does not call them once they have.
    hastened = failed_for_good(POLICY, Reminder(START, reached=1), "wechat", later, REFUSED)
    acted = Reminder(START, 1, True, hastened.last_step_failed_at, hastened.last_step_failure)
    assert due_steps(POLICY, acted, later) == []
    assert next_due_at(POLICY, acted) is None


def test_the_first_failure_counts_and_a_late_check_still_takes_each_step_once() -> None:
    first = START + timedelta(minutes=1)
    hastened = failed_for_good(POLICY, Reminder(START, reached=1), "wechat", first, REFUSED)
    again = failed_for_good(POLICY, hastened, "wechat", first + timedelta(hours=1), "wechat off")
    assert again == hastened
    assert due_steps(POLICY, hastened, START + timedelta(days=2)) == ["sms", "voice"]


def test_the_log_says_why_a_step_was_taken() -> None:
    timed = Reminder(started_at=START, reached=1)
    assert escalation_reason(POLICY, timed, "sms") == "not acted on within 4 h"
    assert escalation_reason(POLICY, timed, "voice") == "not acted on within 24 h"
    hastened = failed_for_good(POLICY, timed, "wechat", START, REFUSED)
    assert escalation_reason(POLICY, hastened, "sms") == f"wechat cannot reach the user: {REFUSED}"
    assert escalation_reason(POLICY, hastened, "voice") == "not acted on within 24 h"


@given(
    reached=st.integers(min_value=1, max_value=2),
    failed_after=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3)),
    checked_after=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3)),
)
def test_a_failure_only_ever_brings_the_next_step_forward(
    reached: int, failed_after: timedelta, checked_after: timedelta
) -> None:
    before = Reminder(started_at=START, reached=reached)
    channel = POLICY.ladder()[reached - 1][0]
    after = failed_for_good(POLICY, before, channel, START + failed_after, REFUSED)
    now = START + checked_after
    timed, hastened = due_steps(POLICY, before, now), due_steps(POLICY, after, now)
    remaining = [name for name, _ in POLICY.ladder()][reached:]
    # Still the remaining rungs in order, each at most once; never fewer than on the clock.
    assert hastened == remaining[: len(hastened)]
    assert hastened[: len(timed)] == timed
    # Only the next step moves, and never later than its own time.
    assert step_due_at(POLICY, after, reached) <= step_due_at(POLICY, before, reached)
    for index in range(reached + 1, len(POLICY.ladder())):
        assert step_due_at(POLICY, after, index) == step_due_at(POLICY, before, index)


@pytest.mark.parametrize(("sms", "voice"), [(0, 4), (5, 5), (6, 2)])
def test_a_ladder_that_does_not_climb_is_refused(sms: int, voice: int) -> None:
    with pytest.raises(ValueError):
        EscalationPolicy(sms_after=timedelta(hours=sms), voice_after=timedelta(hours=voice))


# --- quiet hours and caps ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hour", "minute", "quiet"),
    [
        (21, 0, True),
        (23, 30, True),
        (0, 0, True),
        (7, 59, True),
        (8, 0, False),
        (12, 0, False),
        (20, 59, False),
    ],
)
def test_default_quiet_hours_are_nine_to_eight_in_shanghai(
    hour: int, minute: int, quiet: bool
) -> None:
    assert QuietHours().contains(shanghai(hour, minute)) is quiet


def test_a_message_in_quiet_hours_waits_until_eight() -> None:
    late_evening = shanghai(22, 15)
    assert QuietHours().next_allowed(late_evening) == shanghai(8, 0, day=24)
    small_hours = shanghai(3, 0)
    assert QuietHours().next_allowed(small_hours) == shanghai(8, 0)
    noon = shanghai(12, 0)
    assert QuietHours().next_allowed(noon) == noon


def test_a_daytime_window_and_an_empty_window() -> None:
    siesta = QuietHours(start=time(12, 0), end=time(14, 0))
    assert siesta.contains(shanghai(13, 0))
    assert not siesta.contains(shanghai(22, 0))
    assert siesta.next_allowed(shanghai(13, 0)) == shanghai(14, 0)
    assert not QuietHours(start=time(8, 0), end=time(8, 0)).contains(shanghai(3, 0))


def test_days_are_counted_in_shanghai() -> None:
    # 01:00 UTC on the 23rd is 09:00 in Shanghai: the local day began at 16:00 UTC the day before.
    assert local_day_start(datetime(2026, 11, 23, 1, tzinfo=UTC)) == datetime(
        2026, 11, 22, 16, tzinfo=UTC
    )
    assert next_day_start(datetime(2026, 11, 23, 1, tzinfo=UTC)) == datetime(
        2026, 11, 23, 16, tzinfo=UTC
    )


def _row(channel: str, **extra: Any) -> Any:
    return SimpleNamespace(channel=channel, user_id="u-1", expires_at=None, **extra)


def _recipient(**extra: Any) -> Any:
    values = {
        "wechat_on": True,
        "sms_on": True,
        "voice_on": True,
        "wechat_openid": "o-1",
        "wechat_refused_at": None,
        "phone_number": "+8613800138000",
        "quiet_start": "21:00",
        "quiet_end": "08:00",
        "daily_cap": None,
    }
    return SimpleNamespace(**{**values, **extra})


def _plan(row: Any, recipient: Any, now: datetime, sent_today: int = 0) -> Any:
    return plan(row, recipient, now=now, sent_today=sent_today, default_cap=3, ops_phone="")


def test_sms_and_calls_at_night_are_deferred_not_dropped() -> None:
    night = shanghai(23, 0)
    for channel in ("sms", "voice"):
        decision = _plan(_row(channel), _recipient(), night)
        assert (decision.action, decision.until) == ("defer", shanghai(8, 0, day=24))
    assert _plan(_row("wechat"), _recipient(), night).action == "send"


def test_the_users_own_quiet_hours_count() -> None:
    decision = _plan(_row("sms"), _recipient(quiet_start="12:00", quiet_end="14:00"), shanghai(13))
    assert (decision.action, decision.until) == ("defer", shanghai(14))
    assert (
        _plan(_row("sms"), _recipient(quiet_start="12:00", quiet_end="14:00"), shanghai(22)).action
        == "send"
    )


def test_the_daily_cap_defers_to_the_next_day() -> None:
    noon = shanghai(12)
    assert _plan(_row("wechat"), _recipient(), noon, sent_today=2).action == "send"
    capped = _plan(_row("wechat"), _recipient(), noon, sent_today=3)
    assert (capped.action, capped.until) == ("defer", shanghai(0, day=24))
    assert _plan(_row("wechat"), _recipient(daily_cap=10), noon, sent_today=3).action == "send"


def test_channels_switched_off_or_unreachable_are_skipped() -> None:
    noon = shanghai(12)
    assert _plan(_row("sms"), _recipient(sms_on=False), noon).action == "skip"
    assert _plan(_row("voice"), _recipient(voice_on=False), noon).action == "skip"
    assert _plan(_row("wechat"), _recipient(wechat_on=False), noon).action == "skip"
    assert _plan(_row("sms"), _recipient(phone_number=None), noon).action == "skip"
    assert _plan(_row("wechat"), _recipient(wechat_refused_at=noon), noon).action == "skip"
    assert _plan(_row("wechat"), None, noon).action == "skip"


def test_an_expired_alert_is_not_sent() -> None:
    row = _row("wechat")
    row.expires_at = shanghai(11)
    assert _plan(row, _recipient(), shanghai(12)).action == "expire"


@pytest.mark.parametrize(
    ("number", "ok"),
    [
        ("+8613800138000", True),
        ("+14155550123", True),
        ("13800138000", False),
        ("+86 138 0013 8000", False),
        ("+862112345678", False),
        ("+0123", False),
    ],
)
def test_phone_numbers_must_be_e164(number: str, ok: bool) -> None:
    assert is_e164(number) is ok


# --- templates and masking ---------------------------------------------------------------------

SAMPLE = {
    "doc": "医疗发票",
    "reason": "照片模糊，请重新拍摄",
    "claim_ref": "8F3A21",
    "materials": "出院小结、费用清单、诊断证明（需医院盖章）",
    "material_names": "出院小结、费用清单、诊断证明",
    "amount": "484.50元",
    "kind": "核定",
    "due_at": "2026-11-23 10:00",
    "title": "台风红色预警",
    "body": "今夜到明天有强降雨和大风",
    "tips": "关好门窗，加固室外物品，非必要不外出",
    "valid_until": "2026-11-24 18:00",
}


@pytest.mark.parametrize("key", sorted(templates()))
def test_every_notice_renders_values_wechat_accepts(key: str) -> None:
    rendered = render(key, SAMPLE)
    assert rendered.title and rendered.body
    for name, item in rendered.wechat.items():
        assert value_error(name, item["value"]) is None, (name, item["value"])


def test_a_long_thing_is_shortened_to_twenty_characters() -> None:
    value = fit_value("thing2", "请重新拍摄清晰完整的发票原件照片并确保四角都在画面内")
    assert len(value) == 20
    assert value.endswith("…")
    assert fit_value("thing2", "照片模糊") == "照片模糊"


@pytest.mark.parametrize("value", ["pending", "等待用户重新拍摄", "", "待 拍"])
def test_a_phrase_must_be_up_to_five_chinese_characters(value: str) -> None:
    with pytest.raises(TemplateError):
        fit_value("phrase3", value)


def test_amounts_and_character_strings_are_normalised() -> None:
    assert fit_value("amount2", "484.50元") == "484.50元"
    assert fit_value("character_string4", "尾号 8F3A21") == "8F3A21"
    with pytest.raises(TemplateError):
        fit_value("amount2", "若干")


def test_a_missing_parameter_or_an_unknown_notice_is_an_error() -> None:
    with pytest.raises(TemplateError):
        render("document_rejected", {"doc": "发票"})
    with pytest.raises(TemplateError):
        render("spring_sale_promotion", SAMPLE)


def test_rendered_text_never_carries_a_full_id_or_card_number() -> None:
    params = {
        **SAMPLE,
        "reason": "身份证号110101199003071234与保单不符，银行卡6222 0212 3456 7890 123有误",
    }
    rendered = render("document_rejected", params)
    texts = [rendered.body, *rendered.sms, *(v["value"] for v in rendered.wechat.values())]
    for text in texts:
        assert "110101199003071234" not in text
        assert "6222021234567890" not in text.replace(" ", "")
    assert "**************1234" in rendered.body


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("身份证 11010119900307123X", "身份证 **************123X"),
        ("卡号 6222 0212 3456 7890", "卡号 ************7890"),
        ("手机 13800138000", "手机 *******8000"),
        ("理赔 3f2a9c1e-5b7d-4e21-9c3a-1d2e3f4a5b6c", "理赔 ***5b6c"),
        ("2026-11-23 10:00 赔款 484.50 元", "2026-11-23 10:00 赔款 484.50 元"),
    ],
)
def test_masking(text: str, masked: str) -> None:
    assert mask_sensitive(text) == masked


def test_claims_are_named_by_their_last_six_characters() -> None:
    assert short_ref("3f2a9c1e-5b7d-4e21-9c3a-1d2e3f4a5b6c") == "4A5B6C"


@pytest.mark.parametrize(
    ("doc_type", "name"),
    [
        ("medical_invoice", "医疗发票"),
        ("id_card_front", "身份证人像面"),
        ("diagnosis_certificate", "诊断证明"),
        ("accident_report", "事故证明"),
        ("something-new", "理赔材料"),
    ],
)
def test_doc_types_are_named_in_chinese(doc_type: str, name: str) -> None:
    assert doc_type_name(doc_type) == name


# --- Tencent Cloud signature ------------------------------------------------------------------


def _signed(standin: TencentCloudStandIn, *, key: str, service: str = "sms") -> str | None:
    payload = json.dumps({"PhoneNumberSet": ["+8613800138000"]}).encode()
    timestamp = int(datetime.now(UTC).timestamp())
    headers = {
        "content-type": CONTENT_TYPE,
        "host": "127.0.0.1:8011",
        "x-tc-timestamp": str(timestamp),
        "authorization": authorization(
            secret_id=standin.secret_id,
            secret_key=key,
            service=service,
            host="127.0.0.1:8011",
            payload=payload,
            timestamp=timestamp,
        ),
    }
    return standin.authenticate(headers, payload, "SendSms")


def test_the_tc3_signature_matches_the_worked_example_of_the_api_3_documentation() -> None:
    # Tencent Cloud's "Signature v3" page signs this DescribeInstances call step by step.
    payload = (
        b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
    )
    header = authorization(
        secret_id="AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        secret_key="Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
        service="cvm",
        host="cvm.tencentcloudapi.com",
        payload=payload,
        timestamp=1551113065,
    )

    assert header == (
        "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/"
        "tc3_request, SignedHeaders=content-type;host, "
        "Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    )


def test_the_tc3_signature_is_accepted_only_with_the_right_key_and_service() -> None:
    standin = TencentCloudStandIn()
    assert _signed(standin, key=standin.secret_key) is None
    assert _signed(standin, key="another-key") == "AuthFailure.SignatureFailure"
    assert _signed(standin, key=standin.secret_key, service="vms") == "AuthFailure.SignatureFailure"


@given(
    prefix=st.text(alphabet="您的身份证号卡为与不符，。 ", max_size=8),
    digits=st.text(alphabet="0123456789", min_size=14, max_size=19),
    suffix=st.text(alphabet="请重新上传。 ", max_size=8),
)
def test_no_long_number_survives_masking(prefix: str, digits: str, suffix: str) -> None:
    masked = mask_sensitive(prefix + digits + suffix)
    assert digits not in masked
    assert masked.endswith(digits[-4:] + suffix)
