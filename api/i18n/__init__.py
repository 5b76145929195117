"""The languages Oversight speaks: which one a reader gets, the translated words, and dates,
numbers and lists written the way that language writes them."""
