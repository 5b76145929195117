"""Alembic migrations of Oversight's schema."""
