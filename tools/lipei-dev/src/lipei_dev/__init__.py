"""Lipei on one machine: the local Kafka-compatible broker and stand-ins for outside providers.

Development only: no service image installs this package."""
