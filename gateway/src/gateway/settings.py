from pydantic import Field
from pydantic_settings import SettingsConfigDict

from lipei.settings import ServiceSettings


class Settings(ServiceSettings):
    """gateway settings (environment variables of the same names, upper-case)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    service_name: str = "gateway"
    port: int = 8000
    # `/metrics` is served on this port alone (0: any free port), never on the public one.
    metrics_port: int = 8009
    # One access line per request: the edge's (`gateway.access`, with the request id), not
    # uvicorn's as well.
    access_log: bool = False
    intake_url: str = "http://127.0.0.1:8001"
    ocr_url: str = "http://127.0.0.1:8002"
    tracking_url: str = "http://127.0.0.1:8003"
    notify_url: str = "http://127.0.0.1:8004"
    butler_url: str = "http://127.0.0.1:8006"
    assessment_url: str = "http://127.0.0.1:8005"
    # The web console, served under /console/ (its pages log people in themselves).
    console_url: str = "http://127.0.0.1:8007"
    upstream_timeout_seconds: float = 10.0
    # Pooled connections to the services close after this much idle time: shorter than the
    # services' own keep-alive (`http_keep_alive_seconds`), so a reused one is never half-closed.
    upstream_keepalive_seconds: float = 20.0
    jwt_secret: str = Field(default="dev-only-jwt-secret-change-me-0123456789abcdef", min_length=32)
    # Key rotation: tokens are signed with `jwt_secret` under `jwt_kid`; tokens signed with a
    # previous key stay valid while its `kid:secret` is listed here (comma-separated).
    jwt_kid: str = "k1"
    jwt_previous_keys: str = ""
    jwt_issuer: str = "lipei-gateway"
    jwt_audience: str = "lipei-miniprogram"
    token_ttl_seconds: int = 7200
    # `dev:<name>`, `dev-ops:<name>` and `dev-butler:<butler_id>` log in without WeChat;
    # production turns this off.
    dev_login_enabled: bool = True
    # WeChat mini-program login: used when `wechat_appid` is set.
    wechat_appid: str = ""
    wechat_secret: str = ""
    wechat_api_url: str = "https://api.weixin.qq.com"
    wechat_timeout_seconds: float = 5.0
    # Keys the hash that turns an openid into our user id, so openids never appear as ids.
    user_id_hash_key: str = Field(default="dev-only-user-id-key-change-me", min_length=16)
    contact_push_timeout_seconds: float = 2.0
    # Limits (Redis when `redis_url` is set, in-process otherwise).
    redis_url: str = ""
    rate_limit_user_per_minute: int = 240
    rate_limit_ip_per_minute: int = 600
    max_body_bytes: int = 12 * 1024 * 1024
    # Origins allowed by CORS (comma-separated), e.g. the mini-program's web-view domain.
    cors_allowed_origins: str = ""
    # Partner API: signature window and how long a partner secret is cached.
    partner_window_seconds: int = 300
    partner_secret_cache_seconds: float = 60.0
