"""Tests of the demo coalition."""
