"""The public side: mission pages, the inquiry form, the status page."""
