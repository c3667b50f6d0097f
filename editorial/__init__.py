"""The editorial workflow: review assignments, transitions, reminders, the reviewer desk
and the editorial policy."""
