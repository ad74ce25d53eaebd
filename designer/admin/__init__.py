"""Organisation administration: the team, groups, workflow functions and the charter."""
