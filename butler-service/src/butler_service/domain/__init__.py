"""The butler's rules, free of web and database code: service hours and the reply clock,
assignment by capacity, message text, masking, the QA sample and review scores."""
