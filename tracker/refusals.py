"""The one exception for an action the rules refuse, whichever door it came through.

The inquiry page, the queue's bulk actions, the admin pages and the command line all
catch ``Refused`` and show its message: next to ``field`` on a form, as one line on the
command line.
"""

from __future__ import annotations


class Refused(Exception):
    """An action the state of things or the actor's rights do not allow.

    ``field`` names the form field the reason belongs next to, when there is one.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
