"""Agenda watching: fetch bodies' upcoming meetings and suggest the ALPR votes on them."""
