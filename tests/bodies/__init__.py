"""Tests of decision-making bodies."""
