"""Mail: the transactional outbox, its sender, the messages, reminders and the digest."""
