"""Tests of vendor contracts, their terms and what was decided as a term ended."""
