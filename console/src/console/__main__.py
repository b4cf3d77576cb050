"""`python -m console serve`"""

from console.settings import Settings
from lipei.cli import main

if __name__ == "__main__":
    main("console", Settings)
