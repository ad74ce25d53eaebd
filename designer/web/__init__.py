"""Every staff route, and the one guard that reads who asks and what about."""
