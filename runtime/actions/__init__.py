"""What happens after an event commits: the outbox, the worker that drains it, and the actions it runs (mails, notifications, webhooks, documents)."""
