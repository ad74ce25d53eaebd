"""The citizen-facing web: form pages, follow-up, results, the JSON API's routes, and what every response shares."""
