"""Administration in the browser: missions, contacts, phase assignments, routing rules, users."""
