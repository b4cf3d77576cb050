"""`python -m ocr_service serve|migrate|outbox ...`"""

from lipei.cli import main
from ocr_service.settings import Settings

if __name__ == "__main__":
    main("ocr_service", Settings)
