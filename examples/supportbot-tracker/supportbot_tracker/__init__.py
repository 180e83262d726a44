"""supportbot-tracker: open issues in a GitHub-style tracker from supportbot workflows.

An example of a supportbot plug-in, as its own distribution. Installed, it is found through the
entry-point group `supportbot.features` (see `pyproject.toml`) beside the built-in features and
registers: the workflow action `open_tracker_issue`, the condition `tracker.linked`, the
command `/support tracker #number`, the deliverer `tracker` (the HTTP calls, from the desk's
outbox), the timer `tracker.link` (the follow-up turn) and its message catalogs (en, ja).
"""

from supportbot_tracker.feature import TrackerFeature

__all__ = ["TrackerFeature"]
