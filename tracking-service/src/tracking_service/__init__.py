"""Lipei tracking-service: where a claim is, what comes next, and the legal clocks."""
