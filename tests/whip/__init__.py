"""Tests of the whip board and its counts."""
