"""Browser tests: the real app in Chromium."""
