import sys
from pathlib import Path

from lipei.cli import service_main
from ocr_service.settings import Settings

if __name__ == "__main__":
    sys.exit(
        service_main(
            settings_factory=Settings,
            app_factory="ocr_service.app:create_app",
            migrations=Path(__file__).parent / "migrations",
        )
    )
