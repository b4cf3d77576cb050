"""`python -m intake_service serve|migrate|outbox ...`"""

from intake_service.settings import Settings
from lipei.cli import main

if __name__ == "__main__":
    main("intake_service", Settings)
