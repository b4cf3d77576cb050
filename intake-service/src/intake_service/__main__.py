import sys
from pathlib import Path

from intake_service.settings import Settings
from lipei.cli import service_main

if __name__ == "__main__":
    sys.exit(
        service_main(
            settings_factory=Settings,
            app_factory="intake_service.app:create_app",
            migrations=Path(__file__).parent / "migrations",
        )
    )
