"""Pure notification rules: escalation, quiet hours, caps, templates, labels and masking."""
