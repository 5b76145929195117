"""Tests of coalition partner organizations."""
