"""Tests of media contacts and press coverage."""
