"""Tests of alerts: rules, planning, the dispatcher, channels, the scheduler and calendar feeds."""
