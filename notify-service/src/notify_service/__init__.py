"""Lipei notify-service: WeChat, SMS and voice reminders that escalate and never double-send."""
