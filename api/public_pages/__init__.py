"""A campaign's public side: the page anyone may open once its leads publish it."""
