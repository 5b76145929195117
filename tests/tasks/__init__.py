"""Tests of follow-up tasks."""
