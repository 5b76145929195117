"""Tests of law-enforcement agencies."""
