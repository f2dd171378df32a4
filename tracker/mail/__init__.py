"""Mail: the transactional outbox, its sender, the messages, reminders and the digest.

No views: the outbox page for admins is ``tracker.admin.outbox``."""
