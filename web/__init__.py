"""Oversight's htmx front end: pages that call the api services."""
