pytest_plugins = ["lipei.testing.fixtures"]
