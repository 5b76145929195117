"""Tests of the api package's own modules (the command line, the database, settings, lists
and their cursors), and the JSON API contract every collection shares."""
