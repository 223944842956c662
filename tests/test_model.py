import numpy as np
import pandas as pd

from copsim.model.agents import Agency, Broker, Commissioner, Person, PersonState, Practitioner
from copsim.model.cop_model import WEEK, CopModel
from copsim.model.records import ARRAY_COLUMNS, WEEKLY, weekly_columns, weekly_row
from copsim.runs.outputs import TWIN_COLUMNS, twin_outcome


def test_constructible_with_no_arguments_and_defaults():
    m = CopModel()
    assert m.p.weeks == 156 and m.p.seed == 0
    assert len(m.agents_by_type[Agency]) == 6
    assert len(m.agents_by_type[Practitioner]) == m.posts.occupied.sum() <= 60
    assert m.agencies.size.sum() == 60 and len(set(m.agencies.size)) == 6
    assert len(m.agents_by_type[Person]) == 300
    assert len(m.agents_by_type[Broker]) == 1 and len(m.agents_by_type[Commissioner]) == 1


def test_rng_argument_sets_the_seed():
    assert CopModel(rng=7).p.seed == 7


def test_agents_view_the_site_state():
    m = CopModel({"burn_in_weeks": 0})
    person = m.person_agents[0]
    assert 0 <= person.severity <= 48
    assert isinstance(person.state, PersonState)
    kw = person.key_worker
    assert kw is not None and kw.agency.domain in kw.knowledge
    assert kw.knowledge[kw.agency.domain] == m.p.knowledge.own_domain
    for other, trust in kw.ties():
        assert other.agency is not kw.agency and 0 <= trust <= 1
    agency = m.agency_agents[0]
    assert agency.staff_in_post == agency.funded_posts == m.agencies.size[0]
    assert agency.manager_support == m.agencies.manager_base[0]


def test_the_week_runs_the_declared_steps_in_order(monkeypatch):
    calls = []

    def traced(name, fn):
        return lambda model: (calls.append(name), fn(model))

    monkeypatch.setattr("copsim.model.cop_model.WEEK", tuple((n, traced(n, f)) for n, f in WEEK))
    CopModel({"weeks": 2}).step()
    assert calls == [name for name, _ in WEEK]


def test_weekly_table_has_a_row_a_week_and_every_declared_column():
    m = CopModel({"weeks": 12}).run_to_end()
    df = m.weekly_table()
    assert list(df.columns) == [o.name for o in WEEKLY]
    assert df["week"].tolist() == list(range(13))
    for o in WEEKLY:
        if o.kind == "cumulative":
            assert np.all(np.diff(df[o.name].to_numpy()) >= 0), o.name


def test_the_weekly_row_is_every_reporter_at_once():
    """The collector's one-pass row equals the declared reporters, value and type."""
    m = CopModel({"weeks": 40, "brokerage.hours_per_week": 20.0})
    for _ in range(40):
        m.step()
        expected = {o.name: o.reporter(m) for o in WEEKLY}
        row = weekly_row(m)
        assert list(row) == list(expected)
        for name, value in expected.items():
            assert row[name] == value and type(row[name]) is type(value), name
    assert set(ARRAY_COLUMNS) <= set(row)
    # Any subset of the columns gives the same values, in the table's order.
    chosen = weekly_columns(m, [*TWIN_COLUMNS, "knowledge_breadth_others"])
    assert list(chosen) == [o.name for o in WEEKLY if o.name in chosen]
    assert {name: value for name, (value,) in chosen.items()} == {n: row[n] for n in chosen}
    # The collector recorded every week's row, column by column.
    collected = m.datacollector.model_vars
    assert list(collected) == [o.name for o in WEEKLY] and len(collected["week"]) == 41
    assert {name: column[-1] for name, column in collected.items()} == row


def test_people_and_staff_are_conserved():
    m = CopModel({"nurture.commissioner_engagement": 0.0}).run_to_end()  # fixed budgets
    df = m.weekly_table()
    states = df[["people_in_crisis", "people_unstable", "people_stable", "people_recovered"]]
    assert (states.sum(axis=1) == 300).all()
    assert (df["funded_posts"] == 60).all()
    assert (df["staff_in_post"] == 60 - df["vacancies"]).all()
    vac = df["vacancies"]
    assert m.totals.leavers == m.totals.hires + vac.iloc[-1] - vac.iloc[0]
    t = m.totals
    assert t.referrals_in == t.left_moved_on + t.left_discharged + t.left_prison + t.left_died


def test_established_within_reads_one_run_or_a_column():
    import pandas as pd

    from copsim.runs.outputs import established_within

    assert established_within(None, 52) == 0.0
    assert established_within(float("nan"), 52) == 0.0
    assert established_within(40, 52) == 1.0 and established_within(53, 52) == 0.0
    column = established_within(pd.Series([None, 10, 60]), 52)
    assert column.tolist() == [0.0, 1.0, 0.0]


def test_a_twin_outcome_from_its_columns_is_the_one_from_the_whole_table():
    values = {"weeks": 60, "brokerage.hours_per_week": 0.0}
    m = CopModel(values, agents=False).run_to_end()
    full = m.weekly_table()
    assert twin_outcome(m) == twin_outcome(m, full)
    # A twin that records only those columns records them as the whole row does.
    twin = CopModel(values, agents=False, columns=TWIN_COLUMNS).run_to_end()
    narrow = twin.weekly_table()
    assert sorted(narrow.columns) == sorted(TWIN_COLUMNS)
    pd.testing.assert_frame_equal(narrow, full[list(narrow.columns)], check_exact=True)
    assert twin_outcome(twin) == twin_outcome(m, full)
