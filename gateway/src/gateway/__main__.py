"""`python -m gateway [serve --host ... --port ...]`: with no database to keep, it serves."""

from gateway.express_protocol import GatewayHttpProtocol
from gateway.settings import Settings
from lipei.cli import main

if __name__ == "__main__":
    main("gateway", Settings, http_protocol=GatewayHttpProtocol)
