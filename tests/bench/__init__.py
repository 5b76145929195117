"""Benchmarks: run by hand or with make, never collected as tests."""
