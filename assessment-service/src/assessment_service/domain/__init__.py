"""The instant assessment's pure rules: the arithmetic on Decimal, the policy year, the ledger
of a policy year, the facts the decision table reads, and the decision itself. No web, no
database."""
