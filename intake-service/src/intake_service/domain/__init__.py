"""Intake's rules, free of the web framework and the database: the claim guide and checklist,
filing rules, signatures, the insurer's package, field sealing and download links."""
