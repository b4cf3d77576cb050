"""Lipei intake-service: the policyholder's filing journey, from draft to insurer package."""
