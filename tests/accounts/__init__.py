"""Tests of user accounts: invitations, resets, erasure and the users API."""
