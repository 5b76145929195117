"""The US state and county outlines shipped with the app, and how they are drawn."""
