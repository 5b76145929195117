"""Tests of people and their memberships."""
