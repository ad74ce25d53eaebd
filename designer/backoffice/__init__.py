"""The agents' work: the dashboard, the inbox and one case as it is processed."""
