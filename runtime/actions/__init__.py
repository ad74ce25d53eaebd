"""The workflow actions (what a transition does) and what carries them out after an event
commits: the registry of actions (one module each: notifications, complement, assignment,
deadline, documents, webhooks), the outbox, and the worker that drains it."""
