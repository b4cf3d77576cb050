"""`python -m butler_service serve|migrate|outbox ...`"""

from butler_service.settings import Settings
from lipei.cli import main

if __name__ == "__main__":
    main("butler_service", Settings)
