"""Test helpers: the real local broker, a fresh database per test, services served in-process."""
