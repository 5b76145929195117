"""Who an agency shares its plate reads with, and who can search them: the links and the
exposure they add up to."""
