"""Lipei console: server-rendered pages for butlers and ops over the gateway's public routes."""
