"""Every staff route, and the one guard that reads who asks and what about.

`routes` is the staff URL map. Each other module holds the handlers of one concern
(session, procedures, editor, team, charter, inbox, case, api_tokens, functions, reports);
they share only `guard` (who may open what) and `pages` (the pages they answer with), and
never import one another.
"""
