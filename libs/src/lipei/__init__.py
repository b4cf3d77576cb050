"""Code shared by every Lipei service: event contracts, messaging, database and web helpers."""
