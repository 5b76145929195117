"""Tests of accounts, permissions and security."""
