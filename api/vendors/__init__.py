"""vendors."""
