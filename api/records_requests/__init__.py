"""records requests."""
