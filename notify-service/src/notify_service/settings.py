"""notify-service settings: providers, escalation hours, caps and template ids (environment)."""

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from lipei.settings import ServiceSettings


class Settings(ServiceSettings):
    """notify-service settings (environment variables of the same names, upper-case)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    service_name: str = "notify-service"
    port: int = 8004
    database_url: str = "sqlite+aiosqlite:///./var/notify.db"

    # Where policyholders of a region are looked up (intake's internal endpoint).
    intake_url: str = Field(default="http://127.0.0.1:8001", validation_alias="INTAKE_URL")

    # WeChat subscription messages (mini program).
    wechat_api_base: str = Field(
        default="http://127.0.0.1:8010", validation_alias="WECHAT_API_BASE"
    )
    wechat_appid: str = Field(default="wx-standin-app", validation_alias="WECHAT_APPID")
    wechat_secret: str = Field(default="standin-secret", validation_alias="WECHAT_SECRET")
    wechat_page: str = Field(default="pages/claims/index", validation_alias="WECHAT_PAGE")

    # Tencent Cloud SMS (SendSms 2021-01-11) and voice (SendTtsVoice 2020-09-02).
    tencentcloud_sms_url: str = Field(
        default="http://127.0.0.1:8011", validation_alias="TENCENTCLOUD_SMS_URL"
    )
    tencentcloud_vms_url: str = Field(
        default="http://127.0.0.1:8011", validation_alias="TENCENTCLOUD_VMS_URL"
    )
    tencentcloud_secret_id: str = Field(
        default="standin-secret-id", validation_alias="TENCENTCLOUD_SECRET_ID"
    )
    tencentcloud_secret_key: str = Field(
        default="standin-secret-key", validation_alias="TENCENTCLOUD_SECRET_KEY"
    )
    tencentcloud_region: str = Field(default="ap-guangzhou", validation_alias="TENCENTCLOUD_REGION")
    sms_sdk_app_id: str = Field(
        default="1400000000", validation_alias="TENCENTCLOUD_SMS_SDK_APP_ID"
    )
    sms_sign_name: str = Field(default="理赔助手", validation_alias="TENCENTCLOUD_SMS_SIGN_NAME")
    voice_sdk_app_id: str = Field(
        default="1400000001", validation_alias="TENCENTCLOUD_VOICE_SDK_APP_ID"
    )
    voice_play_times: int = Field(default=2, ge=1, le=3, validation_alias="TENCENTCLOUD_PLAY_TIMES")

    # Provider calls: per-call timeout and in-call retries on 5xx/timeouts.
    provider_timeout_seconds: float = 5.0
    provider_retries: int = 2
    provider_backoff_seconds: float = 0.2
    # Delivery attempts (each with the in-call retries) before a message is given up as failed.
    delivery_max_attempts: int = 8
    delivery_retry_base_seconds: float = 30.0

    # Escalation: WeChat at once, SMS after N hours, voice after M hours (both from the start).
    escalate_sms_after_hours: float = Field(default=24.0, gt=0)
    escalate_voice_after_hours: float = Field(default=48.0, gt=0)
    default_daily_cap: int = Field(default=5, ge=1, le=50)

    # claim.deadline.breached goes to this operations number by SMS (empty: inbox of `ops`).
    ops_phone_number: str = Field(default="", validation_alias="NOTIFY_OPS_PHONE_NUMBER")

    dispatch_poll_seconds: float = 1.0
    # Messages planned and claimed per round, and provider calls in flight at once.
    dispatch_batch: int = Field(default=100, ge=1, le=2000)
    dispatch_concurrency: int = Field(default=16, ge=1, le=256)
    # Sends per second each provider allows this application (0: no pacing). Paced sends wait
    # their turn rather than run into the provider's rate-limit error.
    wechat_rate_per_second: float = Field(default=0.0, ge=0)
    sms_rate_per_second: float = Field(default=0.0, ge=0)
    voice_rate_per_second: float = Field(default=0.0, ge=0)
    # Policyholders written per transaction while a regional alert fans out.
    alert_chunk: int = Field(default=250, ge=1, le=10000)

    @model_validator(mode="after")
    def _voice_after_sms(self) -> "Settings":
        if self.escalate_voice_after_hours <= self.escalate_sms_after_hours:
            raise ValueError("escalate_voice_after_hours must exceed escalate_sms_after_hours")
        return self

    # Provider template ids by `<channel>.<catalogue id>` (JSON), e.g.
    # {"wechat.tmpl-document-rejected": "AbC...", "sms.2100001": "1234567"}; unlisted ids are
    # used as written in templates.toml.
    template_ids: dict[str, str] = Field(
        default_factory=dict, validation_alias="NOTIFY_TEMPLATE_IDS"
    )

    def template_id(self, channel: str, catalogue_id: str) -> str:
        return self.template_ids.get(f"{channel}.{catalogue_id}", catalogue_id)
