"""The agents' work: the dashboard, the inbox and one case as it is processed."""

# Who sees an organisation's submissions, and who acts on them.
VIEW_ROLES = ("administrator", "agent", "reader")
ACT_ROLES = ("administrator", "agent")
