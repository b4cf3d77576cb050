"""`python -m assessment_service serve|migrate|outbox ...`"""

from assessment_service.settings import Settings
from lipei.cli import main

if __name__ == "__main__":
    main("assessment_service", Settings)
