"""Tests of decision-makers and their stances."""
