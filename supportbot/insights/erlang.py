"""Erlang C: how many agents keep a queue's service level (M/M/N, no abandonment).

With traffic A = arrival rate × average handling time (in Erlangs) and N agents (N > A):
    P(wait) = C(N, A), computed from Erlang B by the stable recursion
              B(0) = 1, B(k) = A·B(k-1) / (k + A·B(k-1)),  C = N·B / (N - A·(1 - B))
    service level(t) = 1 - C · exp(-(N - A) · t / AHT)     (share answered within t)
    average speed of answer = C · AHT / (N - A)
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Staffing:
    agents: int
    traffic: float  # Erlangs
    wait_probability: float
    service_level: float
    average_speed_of_answer: float  # seconds
    occupancy: float


def traffic(calls: float, interval_seconds: float, aht_seconds: float) -> float:
    return calls / interval_seconds * aht_seconds


def wait_probability(agents: int, erlangs: float) -> float:
    """Erlang C: the chance an arrival must queue (1 when the agents cannot keep up)."""
    if erlangs <= 0:
        return 0.0
    if agents <= erlangs:
        return 1.0
    b = 1.0
    for k in range(1, agents + 1):
        b = erlangs * b / (k + erlangs * b)
    return agents * b / (agents - erlangs * (1 - b))


def service_level(agents: int, erlangs: float, aht_seconds: float, within_seconds: float) -> float:
    if agents <= erlangs:
        return 0.0 if erlangs > 0 else 1.0
    c = wait_probability(agents, erlangs)
    return 1.0 - c * math.exp(-(agents - erlangs) * within_seconds / aht_seconds)


def staffing(
    *,
    calls: float,
    interval_seconds: float,
    aht_seconds: float,
    within_seconds: float,
    target: float,
    max_agents: int = 10_000,
) -> Staffing:
    """The fewest agents whose service level reaches `target` (0 agents for no traffic)."""
    erlangs = traffic(calls, interval_seconds, aht_seconds)
    if erlangs <= 0:
        return Staffing(0, 0.0, 0.0, 1.0, 0.0, 0.0)
    agents = math.floor(erlangs) + 1
    while service_level(agents, erlangs, aht_seconds, within_seconds) < target:
        agents += 1
        if agents > max_agents:
            raise ValueError(f"more than {max_agents} agents needed for {erlangs:.1f} Erlangs")
    return describe(agents, erlangs, aht_seconds, within_seconds)


def describe(agents: int, erlangs: float, aht_seconds: float, within_seconds: float) -> Staffing:
    c = wait_probability(agents, erlangs)
    return Staffing(
        agents=agents,
        traffic=erlangs,
        wait_probability=c,
        service_level=service_level(agents, erlangs, aht_seconds, within_seconds),
        average_speed_of_answer=c * aht_seconds / (agents - erlangs)
        if agents > erlangs
        else math.inf,
        occupancy=erlangs / agents if agents else 0.0,
    )
