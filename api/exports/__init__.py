"""Redacted exports: a campaign, or what an organization shares, at a tier, as a ZIP."""
