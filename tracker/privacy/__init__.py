"""Journalists' personal data: how long it is kept, what anonymising it means, and the
operations behind ``flask --app tracker privacy …`` (purge, export, erase).

Plain modules without Flask views: ``retention`` holds the dates, ``anonymise`` the rule
for one inquiry, ``operations`` the runs over the database; ``cli`` is the command group.
"""
