"""Power map and whip count: where decision-makers stand, and what it takes to win."""
