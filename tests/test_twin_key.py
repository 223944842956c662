"""The twin's key: parameters that cannot act without a broker are normalised away."""

from __future__ import annotations

import pandas as pd
import pytest

from copsim.model.schema import SCHEMA
from copsim.runs import runner
from copsim.runs.runner import run_values, twin_inert, twin_values

SHORT = {"weeks": 30, "burn_in_weeks": 20, "site.people": 120}
NO_BROKER = {**SHORT, "brokerage.hours_per_week": 0.0}
REGION = {**NO_BROKER, "region.localities": 2, "region.move_rate": 0.5}

TWIN_INERT = sorted(n for n in SCHEMA if twin_inert(n))


def _values(extra: dict) -> dict:
    return {**{n: p.default for n, p in SCHEMA.items()}, "events": [], **extra}


def _alternatives(name: str) -> list:
    """Values of ``name`` other than its default: both ends of its range."""
    param = SCHEMA[name]
    return [param.kind(v) for v in (param.low, param.high) if v != param.default]


def _outputs(values: dict) -> tuple:
    result = run_values(values)
    return result.weekly, result.summary, result.localities, result.agencies


def test_the_inert_set_is_what_the_programme_alone_uses():
    assert "brokerage.hours_per_week" not in TWIN_INERT
    assert "brokerage.setup_weeks" in TWIN_INERT and "cop.peer_support" in TWIN_INERT
    # They act on a twin: its length, its site, its commissioner, its accounts.
    for name in ("weeks", "nurture.manager_effect", "nurture.commissioner_engagement"):
        assert not twin_inert(name)
    assert not any(twin_inert(n) for n in SCHEMA if n.startswith("economics."))
    assert not any(twin_inert(n) for n in SCHEMA if n.endswith("_cost") and "crises" in n)
    assert not twin_inert("workforce.replacement_cost")


@pytest.mark.parametrize("base", [NO_BROKER, REGION], ids=["site", "region"])
@pytest.mark.parametrize("name", TWIN_INERT)
def test_a_twin_inert_parameter_leaves_a_run_without_broker_unchanged(name, base):
    """Each normalised parameter, at either end of its range and set by an event, changes
    no output of a run with no broker hours (what the normalised twin relies on)."""
    runner._twin_by_key.cache_clear()
    reference = _outputs(_values(base))
    for other in _alternatives(name):
        changed = [
            _values({**base, name: other}),
            _values({**base, "events": [{"week": 3, "set": {name: other}}]}),
        ]
        for values in changed:
            weekly, summary, localities, agencies = _outputs(values)
            pd.testing.assert_frame_equal(weekly, reference[0], check_exact=True)
            assert (summary, localities, agencies) == reference[1:], (name, other)


def test_programme_settings_share_one_twin_key():
    a = _values({**SHORT, "cop.peer_support": 0.1, "brokerage.setup_weeks": 4})
    b = _values({**SHORT, "brokerage.hours_per_week": 12.0, "trust.meeting_gain": 0.9})
    b["events"] = [{"week": 5, "set": {"cop.invite_rate": 0.5, "brokerage.hours_per_week": 2}}]
    assert twin_values(a) == twin_values(b) == _values(NO_BROKER)
    # An event that can act on the twin stays, without its inert changes.
    b["events"] = [{"week": 5, "set": {"cop.invite_rate": 0.5, "funding.agency_budget": 0.8}}]
    assert twin_values(b)["events"] == [{"week": 5, "set": {"funding.agency_budget": 0.8}}]


def test_a_run_is_summarised_the_same_against_a_normalised_twin():
    """The summary of a CoP run does not depend on which programme setting's twin it got."""
    runner._twin_by_key.cache_clear()
    values = _values({**SHORT, "cop.learning_rate": 0.2, "brokerage.meeting_interval": 2})
    normalised = run_values(values).summary
    # The twin as it was keyed before: the run's own programme settings, no broker.
    own_twin = runner._no_cop(values, lambda _: False)
    model = runner.CopModel(own_twin, agents=False).run_to_end()
    run = runner.CopModel(values, agents=False).run_to_end()
    unnormalised = runner.summarise(run, run.weekly_table(), runner.twin_outcome(model))
    assert normalised == unnormalised


def test_a_sweep_over_programme_settings_computes_each_twin_once(tmp_path):
    from copsim.sweep.twins import TwinCache

    runner._twin_by_key.cache_clear()
    twins = TwinCache(tmp_path)
    for setting in ({"cop.learning_rate": 0.2}, {"brokerage.setup_weeks": 4}):
        run_values(_values({**SHORT, **setting}), twins=twins)
    assert (twins.computed, twins.reused) == (1, 1)
    assert len(list(tmp_path.glob("*.json"))) == 1


def test_a_twin_cache_that_does_not_publish_reads_but_writes_nothing(tmp_path):
    from copsim.sweep.twins import TwinCache

    runner._twin_by_key.cache_clear()
    reader = TwinCache(tmp_path, publish=False)
    alone = run_values(_values(SHORT), twins=reader).summary
    assert (reader.computed, reader.reused) == (1, 0)
    assert list(tmp_path.iterdir()) == []  # neither a twin nor a lock
    runner._twin_by_key.cache_clear()
    run_values(_values(SHORT), twins=TwinCache(tmp_path))  # a publishing sweep's twin
    runner._twin_by_key.cache_clear()
    again = run_values(_values(SHORT), twins=reader).summary
    assert (reader.computed, reader.reused) == (1, 1)
    assert again == alone
