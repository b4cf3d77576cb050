"""butler-service: every policyholder's butler (管家) — conversations, claim help, suggested
answers, disputes, complaints and the quality reading of conversations."""
