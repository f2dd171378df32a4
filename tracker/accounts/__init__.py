"""Accounts of the press office: who they are, their passwords, API tokens, the login
throttle, and the ``users`` commands. No views: the login page is in ``tracker.auth``."""
