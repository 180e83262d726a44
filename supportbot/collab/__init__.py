"""Collaboration: escalation approvals, hand-offs, SLA clocks, CSAT polls and shout-outs.

approvals.py  the approval card, reminders, the admins' turn, decisions told to the agent
handoffs.py   the department's linked thread, its card, the acceptance SLA
clocks.py     SLA arithmetic (business time, pauses); sla.py: its timers and notices
csat.py       the poll after resolution: delay, sampling, cool-down, answers, expiry
kudos.py      shout-outs, `/support kudos`, `/support leaderboard`
actions.py    the workflow actions
feature.py    the feature (entry point `supportbot.features: collaboration`)
"""
