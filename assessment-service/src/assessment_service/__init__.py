"""assessment-service: instant claims (秒赔) — every submitted claim assessed in seconds."""
