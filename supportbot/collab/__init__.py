"""Collaboration: escalation approvals, hand-offs, SLA clocks, CSAT polls and shout-outs."""
