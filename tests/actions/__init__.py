"""Tests of campaign actions."""
