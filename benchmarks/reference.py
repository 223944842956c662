"""A yardstick measured beside copsim: Mesa's trivial Boltzmann wealth model.

This machine's speed varies by 2x from hour to hour, so copsim's times are also reported
as a ratio to this model of the same size, measured in the same process and moment: a
figure that holds across machines and loads.

Each giver picks from a list of the agents taken once a step. Mesa's tutorial picks with
``random.choice(model.agents)``, but in Mesa 3.5 indexing an agent set (deprecated) builds
the list of all the agents at every pick: O(agents) an agent-step, about 3.3 us here
against 1.0 us for the trivial model the throughput issue measured. That inflated the
yardstick until 2026-11-26 (``tests/test_yardstick.py``).
"""

from __future__ import annotations

import statistics
import time

import mesa


class MoneyAgent(mesa.Agent):
    """An agent that gives one unit of wealth to a random agent each step, if it has any."""

    def __init__(self, model: mesa.Model):
        super().__init__(model)
        self.wealth = 1

    def step(self) -> None:
        """Give one unit away."""
        if self.wealth > 0:
            other = self.random.choice(self.model.everyone)
            other.wealth += 1
            self.wealth -= 1


class MoneyModel(mesa.Model):
    """Mesa's introductory Boltzmann wealth model (no space)."""

    def __init__(self, n: int, rng: int | None = None):
        super().__init__(rng=rng)
        MoneyAgent.create_agents(self, n)

    def step(self) -> None:
        """Every agent steps once, in random order."""
        self.everyone = self.agents.to_list()  # the list each giver picks from
        self.agents.shuffle_do("step")


def boltzmann_seconds(agents: int = 361, steps: int = 157, repeat: int = 5) -> float:
    """Median seconds of one Boltzmann run of ``agents`` agents for ``steps`` steps."""
    times = []
    for seed in range(repeat):
        start = time.perf_counter()
        model = MoneyModel(agents, rng=seed)
        for _ in range(steps):
            model.step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
