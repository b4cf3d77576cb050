"""`make chaos`: faults injected into the platform as `make run` runs it, each scenario one row."""
