"""`python -m tracking_service serve|migrate|outbox ...`"""

from lipei.cli import main
from tracking_service.settings import Settings

if __name__ == "__main__":
    main("tracking_service", Settings)
