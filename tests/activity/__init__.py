"""Tests of api/activity: the timelines of records."""
