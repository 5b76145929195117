"""Oversight: the backend (domain, services, JSON API, jobs)."""
