# The folders gateway/ and console/ share their packages' names: importing the package first lets
# pytest, collecting their tests/, find the real package instead of taking the folder for it.
import console  # noqa: F401
import gateway  # noqa: F401

pytest_plugins = ["lipei_testing.fixtures"]
