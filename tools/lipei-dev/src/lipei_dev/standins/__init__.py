"""Local stand-ins for outside providers, speaking their documented HTTP APIs."""
