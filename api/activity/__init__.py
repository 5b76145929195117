"""Timelines: what happened around a record or a campaign, newest first."""
