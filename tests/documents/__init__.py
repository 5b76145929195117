"""Tests of documents attached to records."""
