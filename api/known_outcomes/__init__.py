"""Campaigns won and lost elsewhere: other places' outcomes, and the wins nearest a place."""
