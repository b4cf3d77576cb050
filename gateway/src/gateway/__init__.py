"""Lipei gateway: the only public entry: login, routing, ownership, limits, partner and ops."""
