"""Users and who may do what."""
