"""Search across every concept at once."""
