"""Pure domain rules of claim tracking: status machine, legal clocks, guidance, butler reasons.

Nothing here touches a database, HTTP or Kafka, so every rule can be tested on its own."""
