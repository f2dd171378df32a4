"""Missions and their contacts: loading them from files (``spec``, ``sync``), what admins
change (``mission_changes``, ``contact_changes``, ``schedule_changes``, each audited),
and what the public pages and routing read (``lookups``). No views: the admin pages are in
``tracker.admin``, the public ones in ``tracker.public``."""
