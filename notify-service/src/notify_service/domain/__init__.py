"""Pure notification rules: escalation, quiet hours, caps, templates and masking."""
