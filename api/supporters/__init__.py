"""Supporters of campaigns: sign-ups on public pages and the reminders owed to them."""
