"""The citizen-facing web: form pages, follow-up, results, the JSON API's routes, and what every response shares.

`routes` is the citizen URL map. Handlers: `pages`, `forms`, `follow`, `follow_actions`,
`results`, `json_api`; they never import one another. What they (and the staff side)
share: `form_page`, `form_uploads`, `followed`, `files`, `notices`, `early_response`,
`routing`, `security`.
"""
