"""The console in a real browser (Debian's chromium driven by Playwright) against the whole
platform: a butler answers a waiting user with a suggestion and the user reads it; the inbox
refreshes itself; message HTML is shown as text, never run; a stale form, another butler's user,
an expired token and a policyholder's login each get their page; a butler keys a field the OCR
could not place; ops reads the dashboard's plots and tables; every page fits 1366×900 and a
390 px phone. Screenshots of failures are kept in test-results/."""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import time
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from playwright.sync_api import (
    Browser,
    BrowserContext,
    BrowserType,
    Page,
    Playwright,
    expect,
    sync_playwright,
)

from gateway.tokens import Identity, TokenIssuer
from lipei.clock import MovableClock
from lipei.events import (
    INSTANT_DECIDER,
    ClaimSubmitted,
    DecisionApproved,
    DecisionRejected,
    DocumentAccepted,
    Event,
)
from lipei.messaging import Envelope
from lipei_dev.broker import LocalBroker, free_port
from lipei_testing.platform import Platform, running_platform, wait_until

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
# Monday 2 March 2026, 10:00 in China: in the butlers' service hours.
START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
INSURER = "demo-insurer"
QUESTION = "请问门诊理赔需要准备哪些材料？"
XSS = '<script>window.__xss = 1</script><img src="x" onerror="window.__xss = 2">'
POLICY = {
    "holder_user_id": "dev-alice",
    "insurer_code": INSURER,
    "product_name": "门急诊医疗险",
    "insured_name": "张三",
    "insured_id_number": "110101199003071234",
    "coverage": ["outpatient"],
    "region_code": "310000",
    "valid_from": "2026-01-01",
    "valid_to": "2026-12-31",
    "sum_insured": "20000.00",
}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's chromium: Playwright never downloads a browser here."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM}


# pytest-playwright keeps one Playwright for the whole session, and with it an event loop running
# in the main thread: every later test that runs a loop of its own would fail. The browser here
# lives as long as this module.
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="module")
def browser_context_args() -> dict[str, Any]:
    return {}  # each test sets its own viewport


@pytest.fixture(scope="module")
def browser_type(playwright: Playwright, browser_name: str) -> BrowserType:
    return getattr(playwright, browser_name)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def browser(
    browser_type: BrowserType, browser_type_launch_args: dict[str, Any]
) -> Iterator[Browser]:
    browser = browser_type.launch(**browser_type_launch_args)
    yield browser
    browser.close()


@dataclass
class Live:
    """The platform running in an event loop of its own thread, so that Playwright's sync API
    can drive the browser from the test's thread."""

    platform: Platform
    loop: asyncio.AbstractEventLoop
    producer: AIOKafkaProducer
    claims: dict[str, str]

    def run(self, coroutine: Coroutine[Any, Any, Any], timeout: float = 60) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def call(
        self, method: str, path: str, headers: dict[str, str], body: Any = None, status: int = 200
    ) -> Any:
        async def go() -> Any:
            answer = await self.platform.client.request(method, path, json=body, headers=headers)
            assert answer.status_code == status, (path, answer.text)
            return answer.json() if answer.content else None

        return self.run(go())

    def login(self, code: str) -> dict[str, str]:
        return dict(self.run(self.platform.login(code)))

    def publish(self, event: Event, source: str) -> None:
        async def go() -> None:
            envelope = Envelope.wrap(event, source=source)
            await self.producer.client.force_metadata_update()
            await self.producer.send_and_wait(
                event.topic,
                value=envelope.value(),
                key=(envelope.key or "").encode(),
                headers=envelope.headers(),
            )

        self.run(go())

    def wait(self, predicate: Any, timeout: float = 30) -> Any:
        return self.run(wait_until(predicate, timeout=timeout), timeout + 5)

    @property
    def url(self) -> str:
        return self.platform.console_url


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    tmp = tmp_path_factory.mktemp("console")
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="platform", daemon=True)
    thread.start()
    stack = contextlib.AsyncExitStack()

    def run(coroutine: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, loop).result(180)

    with contextlib.ExitStack() as exits:
        bootstrap = os.environ.get("LIPEI_TEST_KAFKA_BOOTSTRAP_SERVERS")
        if not bootstrap:
            broker = LocalBroker(port=free_port(), log_path=tmp / "broker.log")
            bootstrap = exits.enter_context(broker).bootstrap_servers
        try:
            platform = run(
                stack.enter_async_context(
                    running_platform(
                        bootstrap_servers=bootstrap,
                        tmp_dir=tmp,
                        clock=MovableClock(START),
                        services=("intake", "tracking", "butler"),
                        overrides={"console": {"inbox_refresh_seconds": 2}},
                    )
                )
            )
            producer = run(_producer(stack, bootstrap))
            world = Live(platform, loop, producer, {})
            seed(world)
            yield world
        finally:
            run(stack.aclose())
            loop.call_soon_threadsafe(loop.stop)
            thread.join(10)


async def _producer(stack: contextlib.AsyncExitStack, bootstrap: str) -> AIOKafkaProducer:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")  # on the platform's loop
    await producer.start()
    stack.push_async_callback(producer.stop)
    return producer


def seed(live: Live) -> None:
    """Butlers, users waiting (one overdue), claims decided (one instantly), and a document
    with a field the OCR could not place."""
    ops = live.login("dev-ops:olivia")
    live.call("PUT", f"/ops/v1/insurers/{INSURER}", ops, {"name": "演示保险"}, 201)
    live.call("PUT", "/ops/v1/policies/P-1", ops, POLICY, 200)
    butler = {"display_name": "王管家", "capacity": 100, "active": True}
    live.call("PUT", "/ops/v1/butlers/b-wang", ops, butler, 200)
    users = {name: live.login(f"dev:{name}") for name in ("eve", "alice", "bob", "carol")}
    for headers in users.values():  # every user gets b-wang, the only butler so far
        assert live.call("GET", "/api/v1/butler", headers)["butler_id"] == "b-wang"
    other = {"display_name": "李管家", "capacity": 100, "active": True}
    live.call("PUT", "/ops/v1/butlers/b-li", ops, other, 200)

    clock = live.platform.clock
    assert isinstance(clock, MovableClock)
    live.call(
        "POST", "/api/v1/butler/messages", users["eve"], {"text": "理赔款什么时候到账？"}, 201
    )
    clock.advance(timedelta(minutes=15))  # eve's reply time has passed
    live.call("POST", "/api/v1/butler/messages", users["alice"], {"text": QUESTION}, 201)
    live.call("POST", "/api/v1/butler/messages", users["bob"], {"text": XSS}, 201)
    complaint = {"text": "管家一直没有回复我"}  # puts bob's day in the quality sample
    live.call("POST", "/api/v1/butler/complaints", users["bob"], complaint, 201)
    decide_claims(live, users["alice"])
    document_to_key(live, users["alice"])


def draft(live: Live, alice: dict[str, str], description: str) -> str:
    body = {
        "policy_id": "P-1",
        "claim_type": "outpatient",
        "incident_date": "2026-02-20",
        "description": description,
        "claimed_amount": "484.50",
    }
    return str(live.call("POST", "/api/v1/claims", alice, body, 201)["claim_id"])


def decide_claims(live: Live, alice: dict[str, str]) -> None:
    now = live.platform.clock.now()
    instant, rejected = draft(live, alice, "急性肠胃炎门诊"), draft(live, alice, "感冒门诊")
    live.claims.update(instant=instant, rejected=rejected)
    ops = live.login("dev-ops:olivia")
    live.wait(lambda: _totals(live, ops, drafted=2))  # tracking knows both claims
    for claim_id in (instant, rejected):
        submitted = ClaimSubmitted(
            claim_id=claim_id,
            user_id="dev-alice",
            insurer_code=INSURER,
            claim_type="outpatient",
            claimed_amount=Decimal("484.50"),
            submitted_at=now,
        )
        live.publish(submitted, "/lipei/intake-service")
    live.wait(lambda: _totals(live, ops, submitted=2))
    approved = DecisionApproved(
        claim_id=instant,
        insurer_code=INSURER,
        decided_at=now + timedelta(seconds=5),
        decided_by=INSTANT_DECIDER,
        approved_amount=Decimal("484.50"),
    )
    live.publish(approved, "/lipei/assessment-service")
    refusal = DecisionRejected(
        claim_id=rejected,
        insurer_code=INSURER,
        decided_at=now + timedelta(hours=30),
        reason="不属于保险责任范围",
    )
    live.publish(refusal, f"/insurers/{INSURER}")
    live.wait(lambda: _totals(live, ops, approved=1, rejected=1))


async def _totals(live: Live, ops: dict[str, str], **expected: int) -> bool:
    answer = await live.platform.client.get(
        "/ops/v1/stats", params={"from": "2026-03-01", "to": "2026-03-08"}, headers=ops
    )
    totals = answer.json()["totals"]
    return all(totals[stage] == count for stage, count in expected.items())


def document_to_key(live: Live, alice: dict[str, str]) -> None:
    claim_id = draft(live, alice, "门诊发票待录入")
    live.claims["keyed"] = claim_id

    async def upload() -> str:
        answer = await live.platform.client.post(
            f"/api/v1/claims/{claim_id}/documents",
            data={"doc_type": "medical_invoice"},
            files={"file": ("invoice.jpg", _photo(), "image/jpeg")},
            headers=alice,
        )
        assert answer.status_code == 202, answer.text
        return str(answer.json()["document_id"])

    document_id = live.run(upload())
    accepted = DocumentAccepted(
        claim_id=claim_id,
        document_id=document_id,
        user_id="dev-alice",
        doc_type="medical_invoice",
        masked_fields={"total_amount": "484.50"},
        accepted_at=live.platform.clock.now(),
        fields_to_review=["hospital"],
    )
    live.publish(accepted, "/lipei/ocr-service")
    butler = live.login("dev-butler:b-wang")
    live.wait(lambda: _to_key(live, butler, claim_id))


async def _to_key_async(live: Live, butler: dict[str, str], claim_id: str) -> list[str] | None:
    """The fields left to key on the claim's documents; None before the butler knows the claim."""
    answer = await live.platform.client.get("/butler/v1/users/dev-alice/claims", headers=butler)
    claims = [c for c in answer.json()["items"] if c["claim_id"] == claim_id]
    if not claims:
        return None
    return [f for d in claims[0]["documents"] for f in d["fields_to_review"]]


def _to_key(live: Live, butler: dict[str, str], claim_id: str) -> Any:
    return _to_key_async(live, butler, claim_id)


def _photo() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), (240, 240, 235)).save(buffer, format="JPEG")
    return buffer.getvalue()


# --- browser helpers -------------------------------------------------------------------------


def log_in(page: Page, live: Live, code: str) -> None:
    page.goto(live.url)
    page.get_by_label("登录码").fill(code)
    page.get_by_role("button", name="登录").click()


def keep_screenshot(page: Page, name: str) -> None:
    """Into test-results/ always; into docs/ (the README's pictures) when asked to."""
    out = ROOT / "test-results" / "console"
    out.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=out / f"{name}.png", full_page=True)
    if os.environ.get("LIPEI_UPDATE_SCREENSHOTS") == "1":
        page.screenshot(path=ROOT / "docs" / f"{name}.png")


def fits(page: Page, width: int) -> None:
    """Nothing wider than the window: no sideways scrolling of the page itself."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width


# --- the flows -------------------------------------------------------------------------------


def test_a_butler_answers_a_waiting_user_with_a_suggestion(live: Live, new_context: Any) -> None:
    context: BrowserContext = new_context(viewport=DESKTOP)
    page = context.new_page()
    log_in(page, live, "dev-butler:b-wang")
    expect(page).to_have_url(f"{live.url}inbox")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    rows = page.locator("tr.inbox-row")
    expect(rows.first).to_have_attribute("data-user-id", "dev-eve")  # nearest deadline first
    expect(rows.first).to_contain_text("已超时")
    expect(page.locator('tr[data-user-id="dev-alice"]')).not_to_contain_text("已超时")
    keep_screenshot(page, "console-inbox")
    fits(page, DESKTOP["width"])

    page.locator('tr[data-user-id="dev-alice"] a').click()
    expect(page.get_by_role("heading", name="与 dev-alice 的对话")).to_be_visible()
    expect(page.locator(".messages .author-user")).to_contain_text(QUESTION)
    expect(page.locator(f"#claim-{live.claims['rejected']}")).to_contain_text("已拒赔")
    suggestion = page.locator(".use-suggestion").first
    answer = suggestion.get_attribute("data-answer")
    assert answer
    suggestion.click()
    box = page.get_by_label("回复")
    expect(box).to_have_value(answer)
    box.press("End")
    box.type(" 祝您早日康复")
    box.press("Control+Enter")
    sent = answer + " 祝您早日康复"
    expect(page.locator(".messages .author-butler")).to_contain_text("祝您早日康复")
    fits(page, DESKTOP["width"])

    alice = live.login("dev:alice")
    newest = live.call("GET", "/api/v1/butler/messages", alice)["items"][0]
    assert (newest["author"], newest["text"]) == ("butler", sent)
    page.goto(f"{live.url}inbox")
    expect(page.locator('tr[data-user-id="dev-eve"]')).to_be_visible()
    # alice waits no more (her claims still want the butler, so she stays listed)
    expect(page.locator('tr[data-user-id="dev-alice"] td').nth(2)).to_have_text("—")


def test_the_inbox_refreshes_itself(live: Live, new_context: Any) -> None:
    page = new_context(viewport=DESKTOP).new_page()
    log_in(page, live, "dev-butler:b-wang")
    expect(page.locator('tr[data-user-id="dev-eve"]')).to_be_visible()
    page.evaluate("window.__same_page = true")
    live.call("POST", "/api/v1/butler/messages", live.login("dev:carol"), {"text": "在吗？"}, 201)
    expect(page.locator('tr[data-user-id="dev-carol"]')).to_be_visible(timeout=15_000)
    assert page.evaluate("window.__same_page") is True  # no reload


def test_message_html_is_shown_as_text_and_never_run(live: Live, new_context: Any) -> None:
    page = new_context(viewport=DESKTOP).new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    log_in(page, live, "dev-butler:b-wang")
    expect(page.locator('tr[data-user-id="dev-bob"]')).to_contain_text("<script>")
    page.goto(f"{live.url}users/dev-bob")
    shown = page.locator(".messages .author-user .message-text")
    expect(shown).to_have_text(XSS)
    assert page.locator(".messages img").count() == 0
    assert page.evaluate("window.__xss") is None
    assert dialogs == []


def test_a_stale_form_is_refused(live: Live, new_context: Any) -> None:
    page = new_context(viewport=DESKTOP).new_page()
    log_in(page, live, "dev-butler:b-wang")
    page.goto(f"{live.url}users/dev-eve")
    stale = page.locator("#reply input[name=csrf_token]").input_value()
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_label("登录码")).to_be_visible()
    log_in(page, live, "dev-butler:b-wang")
    page.goto(f"{live.url}users/dev-eve")
    page.evaluate(
        "token => document.querySelectorAll('input[name=csrf_token]')"
        ".forEach(input => { input.value = token })",
        stale,
    )
    page.get_by_label("回复").fill("这条回复不应发出")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="发送").click()
    assert posted.value.status == 403
    expect(page.get_by_role("heading")).to_contain_text("表单已过期")
    texts = [
        m["text"]
        for m in live.call("GET", "/api/v1/butler/messages", live.login("dev:eve"))["items"]
    ]
    assert "这条回复不应发出" not in texts


def test_another_butlers_user_is_a_404_page(live: Live, new_context: Any) -> None:
    page = new_context(viewport=DESKTOP).new_page()
    log_in(page, live, "dev-butler:b-li")
    expect(page).to_have_url(f"{live.url}inbox")
    answer = page.goto(f"{live.url}users/dev-alice")
    assert answer is not None and answer.status == 404
    expect(page.get_by_role("heading")).to_contain_text("找不到该页面")
    assert QUESTION not in page.content()


def test_an_expired_or_refused_token_goes_to_the_login_page(live: Live, new_context: Any) -> None:
    context: BrowserContext = new_context(viewport=DESKTOP)
    page = context.new_page()
    tokens: TokenIssuer = live.platform.apps["gateway"].state.components.tokens
    expired = tokens.issue(Identity("b-wang", ("butler",)), now=time.time() - 86_400)
    foreign = TokenIssuer(
        secret="s" * 40, issuer="lipei-gateway", audience="lipei-miniprogram", ttl_seconds=3600
    ).issue(Identity("b-wang", ("butler",)))
    for token in (expired, foreign):
        host = live.url.split("/")[2].split(":")[0]
        cookie = {"name": "lipei_console", "value": token, "domain": host, "path": "/console"}
        context.add_cookies([cookie])
        answer = page.goto(f"{live.url}inbox")
        assert answer is not None and answer.status == 200
        expect(page).to_have_url(f"{live.url}?expired=1")
        expect(page.get_by_text("登录已过期，请重新登录。")).to_be_visible()


def test_a_policyholder_is_refused_at_the_console(live: Live, new_context: Any) -> None:
    page = new_context(viewport=DESKTOP).new_page()
    page.goto(live.url)
    page.get_by_label("登录码").fill("dev:alice")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="登录").click()
    assert posted.value.status == 403
    expect(page.get_by_role("heading")).to_contain_text("无权使用控制台")
    answer = page.goto(f"{live.url}inbox")
    assert answer is not None
    expect(page.get_by_label("登录码")).to_be_visible()  # no session was kept


def test_a_butler_keys_a_field_the_ocr_could_not_place(live: Live, new_context: Any) -> None:
    page = new_context(viewport=DESKTOP).new_page()
    log_in(page, live, "dev-butler:b-wang")
    page.goto(f"{live.url}users/dev-alice")
    claim = page.locator(f"#claim-{live.claims['keyed']}")
    form = claim.locator("form.key-in")
    expect(form).to_be_visible()
    form.get_by_label("医院").fill("上海市第一人民医院")
    form.get_by_role("button", name="保存录入").click()
    expect(page.get_by_role("heading", name="与 dev-alice 的对话")).to_be_visible()
    expect(page.locator(f"#claim-{live.claims['keyed']} form.key-in")).to_have_count(0)
    butler = live.login("dev-butler:b-wang")
    assert live.run(_to_key_async(live, butler, live.claims["keyed"])) == []


def test_a_butler_records_what_came_of_a_disputed_rejection(live: Live, new_context: Any) -> None:
    page = new_context(viewport=DESKTOP).new_page()
    log_in(page, live, "dev-butler:b-wang")
    page.goto(f"{live.url}users/dev-alice")
    claim = page.locator(f"#claim-{live.claims['rejected']}")
    form = claim.locator("form.dispute")
    form.get_by_label("结果").select_option("overturned")
    form.get_by_label("追回金额（元）").fill("484.50")
    form.get_by_role("button", name="记录结果").click()
    claim = page.locator(f"#claim-{live.claims['rejected']}")
    expect(claim).to_contain_text("争议结果：改判赔付，追回 ¥484.50")
    expect(claim.locator("form.dispute")).to_have_count(0)


def test_ops_reviews_a_sampled_conversation(live: Live, new_context: Any) -> None:
    page = new_context(viewport=DESKTOP).new_page()
    log_in(page, live, "dev-ops:olivia")
    page.goto(f"{live.url}quality?date=2026-03-02")
    sample = page.locator('article.sample[data-user-id="dev-bob"]')
    expect(sample).to_contain_text("有投诉")
    expect(sample.locator(".messages .message-text").first).to_have_text(XSS)  # text, not markup
    for field in sample.locator('input[type="number"]').all():
        field.fill("4")
    sample.get_by_label("评语").fill("回复太慢")
    sample.get_by_role("button", name="提交评分").click()
    expect(page.get_by_role("status")).to_contain_text("已保存对 dev-bob 的质检评分")
    row = page.locator('table.scoreboard tr[data-butler-id="b-wang"] td')
    expect(row.nth(5)).to_have_text("1")  # reviews
    expect(row.nth(6)).to_have_text("80%")  # 20 of 25


def test_ops_reads_the_dashboard_plots_and_tables(live: Live, new_context: Any) -> None:
    page = new_context(viewport=DESKTOP).new_page()
    log_in(page, live, "dev-ops:olivia")
    expect(page).to_have_url(f"{live.url}attention")
    page.goto(f"{live.url}dashboard?from=2026-03-01&to=2026-03-08")
    plots = page.locator("svg.plot")
    expect(plots).to_have_count(5)
    for i in range(5):
        plot = plots.nth(i)
        assert plot.locator("title").first.text_content()
        assert plot.locator("text.axis-label").count() == 2
    funnel = {
        row.locator("td").nth(0).inner_text(): row.locator("td").nth(1).inner_text()
        for row in page.locator('table[data-figure="funnel"] tbody tr').all()
    }
    assert funnel["起草"] == "3 件" and funnel["提交"] == "2 件"
    assert funnel["同意赔付"] == "1 件" and funnel["拒赔"] == "1 件"
    expect(page.locator("#figure-instant-share figcaption")).to_contain_text("秒赔 1 件，占 50.0%")
    decision = page.locator("#figure-decision-time")
    expect(decision.locator("line.marker")).to_have_count(2)
    expect(decision.locator("figcaption")).to_contain_text("共 2 件决定")
    expect(page.locator('table[data-figure="breaches"] tbody tr')).to_have_count(2)
    keep_screenshot(page, "console-dashboard")
    fits(page, DESKTOP["width"])

    ops = live.login("dev-ops:olivia")
    for bad in (
        {"from": "2026-03-08", "to": "2026-03-01"},  # backwards
        {"from": "2025-01-01", "to": "2026-03-01"},  # over a year
        {"to": "0"},
        {"to": "0001-01-05"},
        {"from": "2026-02-30"},
    ):
        live.run(_status(live, "/ops/v1/stats", bad, ops, 422))
    answer = page.goto(f"{live.url}dashboard?to=0001-01-05")
    assert answer is not None and answer.status == 422
    expect(page.get_by_role("heading")).to_contain_text("请求未被接受")
    live.run(_status(live, "/ops/v1/stats", {}, live.login("dev-butler:b-wang"), 403))


async def _status(
    live: Live, path: str, params: dict[str, str], headers: dict[str, str], status: int
) -> None:
    answer = await live.platform.client.get(path, params=params, headers=headers)
    assert answer.status_code == status, answer.text


def test_the_pages_fit_a_phone(live: Live, new_context: Any) -> None:
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    log_in(page, live, "dev-butler:b-wang")
    for path in ("inbox", "users/dev-alice", "users/dev-bob"):
        page.goto(f"{live.url}{path}")
        fits(page, PHONE["width"])
    expect(page.get_by_role("button", name="发送")).to_be_visible()
    page.get_by_role("button", name="退出").click()
    log_in(page, live, "dev-ops:olivia")
    for path in ("attention", "quality?date=2026-03-02", "dashboard?from=2026-03-01&to=2026-03-08"):
        page.goto(f"{live.url}{path}")
        fits(page, PHONE["width"])
