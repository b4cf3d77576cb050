"""intake's use cases, one function per request: load once, check the rules, write the change
and its events in one transaction, return the records for the answer."""
