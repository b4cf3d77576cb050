"""Test support: a fresh database per test, services served in-process, the whole platform.

Test only: no service image installs this package, and no service imports it."""
