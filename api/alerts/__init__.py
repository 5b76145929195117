"""Alerts: rules, the outbox, the dispatcher, channels (email, webhooks, in-app), calendar feeds."""
