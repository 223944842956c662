"""Crises: emergency department attendance, admission, arrest or custody, eviction.

The weekly probability of each kind of crisis rises with the needs that drive it and the
person's crisis proneness (gamma, mean 1: a minority has most crises), and falls with the
share of a person's active needs that are supported (coordinated casework).
"""

from __future__ import annotations

import functools
import operator
from typing import TYPE_CHECKING

import numpy as np

from copsim.model import replicates
from copsim.model.domains import CRISIS_DRIVERS, CRISIS_KINDS
from copsim.model.mechanisms.needs import supported, weigh

if TYPE_CHECKING:
    from copsim.model.cop_model import CopModel
    from copsim.model.parameters import Parameters

DRIVES = (CRISIS_DRIVERS > 0).astype(float)
"""1 where a kind of crisis (row) raises a need (column), else 0."""

_TALLY = np.column_stack([np.ones(len(DRIVES)), DRIVES])
"""``events @ _TALLY``: a person's crises (column 0), and those raising each need."""

_DRIVERS_BY_DOMAIN = np.ascontiguousarray(CRISIS_DRIVERS.T)
"""One row a need, one column a kind of crisis (``needs.weigh``'s layout)."""

MID_NEED = 0.5
"""Need level at which the ``crises.*_rate`` parameters apply."""


# Each kind's parameters read in one call (CRISIS_KINDS order).
_RATES = operator.attrgetter(*(f"{k}_rate" for k in CRISIS_KINDS))
_COSTS = operator.attrgetter(*(f"{k}_cost" for k in CRISIS_KINDS))


def rates(p: Parameters) -> np.ndarray:
    """Annual rate of each crisis kind at mid need, unsupported."""
    return np.array(_RATES(p.crises))


def unit_costs(p: Parameters) -> np.ndarray:
    """Unit cost of each crisis kind."""
    return np.array(_COSTS(p.crises))


def coverage(needs: np.ndarray, is_supported: np.ndarray, threshold: float) -> np.ndarray:
    """Share of each person's active needs that are supported (1 with none active)."""
    active = needs > threshold
    # Each row's pattern as a number in base 3 (a digit a need: 0 not active, 1 active,
    # 2 active and supported; an exact float matrix product), then its share from a table.
    code = np.add(active, active & is_supported, dtype=np.uint8) @ _powers_of_3(needs.shape[1])
    return _coverage_table(needs.shape[1]).take(code.astype(np.intp))


@functools.cache
def _powers_of_3(width: int) -> np.ndarray:
    """The place values of a base-3 number with ``width`` digits, lowest first."""
    return 3.0 ** np.arange(width)


@functools.cache
def _coverage_table(width: int) -> np.ndarray:
    """:func:`coverage` of each base-3 pattern of ``width`` needs, by its number."""
    digits = np.arange(3**width)[:, None] // 3 ** np.arange(width) % 3
    n_active = (digits > 0) @ np.ones(width)
    n_met = (digits == 2) @ np.ones(width)
    table = np.where(n_active > 0, n_met / np.maximum(n_active, 1), 1.0)
    table.flags.writeable = False
    return table


def weekly_probability(
    needs: np.ndarray,
    cover: np.ndarray,
    annual_rates: np.ndarray,
    protection: float,
    proneness: np.ndarray | float = 1.0,
) -> np.ndarray:
    """Probability of each kind of crisis this week, shape (people, kinds).

    ``h = rate/52 * (drivers . needs) / 0.5 * proneness * (1 - protection * coverage)``
    and ``p = 1 - exp(-h)``.
    """
    # In place, but the same operations in the same order as the formula (a product's
    # operands commute exactly).
    hazard = weigh(needs, _DRIVERS_BY_DOMAIN)
    hazard /= MID_NEED
    hazard *= np.reshape(proneness, (-1, 1))
    hazard *= annual_rates / 52.0
    hazard *= (1.0 - protection * cover)[:, None]
    np.negative(hazard, out=hazard)
    np.exp(hazard, out=hazard)
    return np.subtract(1.0, hazard, out=hazard)


def step(model: CopModel) -> None:
    """Draw this week's crises, charge their costs, and raise the needs behind them.

    With ``needs.crisis_shock_weeks`` the rises are also kept in ``people.shock``, from
    which :func:`copsim.model.mechanisms.needs.step` releases them.
    """
    p, people, posts = model.p, model.people, model.posts
    cover = coverage(people.needs, supported(model), p.needs.threshold)
    prob = weekly_probability(
        people.needs,
        cover,
        rates(p),
        p.needs.support_protection,
        people.proneness,
    )
    kinds = np.arange(prob.shape[1])
    events = model.draws.uniform("crises", model.week, people.identity[:, None], kinds) < prob
    # Counts and "any driver hit" by one exact float matrix product (boolean reductions
    # by row are slow in numpy); converted back to the integers and booleans they are.
    counts = events @ _TALLY
    per_person = counts[:, 0].astype(np.int64)
    if not per_person.any():
        return
    hit = per_person > 0
    # Only the rows of people with a crisis change (the others' needs, already in [0, 1],
    # would be clipped to themselves): the same values, without passes over everyone.
    rows = hit.nonzero()[0]
    raised = p.needs.crisis_shock * (counts[rows, 1:] > 0)
    before = people.needs[rows]
    raised += before
    people.needs[rows] = raised.clip(0.0, 1.0, out=raised)
    if p.needs.crisis_shock_weeks:  # a fading rise: remember what it added (needs.step)
        people.shock[rows] += raised - before
    people.last_crisis[hit] = model.week
    people.crisis_count += per_person
    kw = people.key_worker
    with_kw = hit & (kw >= 0)
    posts.crises_week += np.bincount(kw[with_kw], per_person[with_kw], len(posts))
    model.totals.crisis_events += replicates.block_total(model, per_person)
    if model.n_localities > 1:
        model.locality_totals.crisis_events += np.bincount(
            people.locality, per_person, model.n_localities
        ).astype(np.int64)
    # Counts by kind, a row a replicate: exact integers, in any order.
    r = model.replicates
    by_kind = (np.ones(len(events) // r) @ events.reshape(r, -1, events.shape[1])).astype(np.int64)
    model.ledger.charge_crises(by_kind[0] if r == 1 else by_kind, unit_costs(p))
