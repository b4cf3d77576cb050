# The folder gateway/ and the package `gateway` share a name: importing the package first lets
# pytest, collecting gateway/tests/, find the real package instead of taking the folder for it.
import gateway  # noqa: F401

pytest_plugins = ["lipei_testing.fixtures"]
