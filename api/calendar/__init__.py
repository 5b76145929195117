"""What falls on which day: votes, meetings, actions and deadlines."""
