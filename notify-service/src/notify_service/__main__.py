"""`python -m notify_service serve|migrate|outbox ...`"""

from lipei.cli import main
from notify_service.settings import Settings

if __name__ == "__main__":
    main("notify_service", Settings)
