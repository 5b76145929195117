"""Accounts as a service: users, sign-in, invitations, account email and erasure on request."""
