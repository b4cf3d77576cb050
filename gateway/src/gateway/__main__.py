import sys

import uvicorn

from gateway.settings import Settings
from lipei.logs import configure_logging


def main() -> int:
    settings = Settings()
    configure_logging(settings.log_level, settings.service_name)
    uvicorn.run(
        "gateway.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        log_config=None,
        proxy_headers=True,
        timeout_keep_alive=settings.http_keep_alive_seconds,
        timeout_graceful_shutdown=int(settings.shutdown_grace_seconds),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
