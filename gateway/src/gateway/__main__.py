"""`python -m gateway [serve --host ... --port ...]`: with no database to keep, it serves."""

from gateway.settings import Settings
from lipei.cli import main

if __name__ == "__main__":
    main("gateway", Settings)
