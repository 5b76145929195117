"""What a coalition faces this week, across every concept."""
