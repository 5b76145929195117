"""Encrypted backups of the database and the uploaded documents, and their restore."""
