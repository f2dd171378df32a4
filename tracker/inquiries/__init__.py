"""Everything that changes an inquiry, shared by the desk, the queue, the public form,
the API and the command line. No views here: the web code is in ``tracker.desk`` (the
inquiry page) and ``tracker.queue``.

- ``intake``: taking an inquiry in (form, call, import); ``importer``: a historical log.
- ``lifecycle`` (pure rules) and ``status_changes``: moving it along, with the milestones.
- ``response_clock`` (pure): when it is due, paused, stopped.
- ``assignment``: claim and assign; ``handover``: a new phase's contacts take over.
- ``responses``: what the office said, and internal notes; ``follow_ups``; ``referral``.
- ``sensitivity``: who may see a journalist at risk; ``bulk``: one action on many.
- ``timeline`` and ``freshness``: the events every change records, and the version check.
- ``conditions``: SQL conditions on its state; ``status_tokens``: the journalist's link.

Each operation takes the inquiry, the acting user and the instant, checks the rules
(raising ``tracker.refusals.Refused``), changes the inquiry, records its event, and leaves
the commit to the caller.
"""
