import numpy as np

from copsim.model.cop_model import CopModel
from copsim.model.mechanisms import casework


def test_referral_success_rises_with_trust_knowledge_and_capacity():
    f = casework.referral_success
    one = np.ones(1)
    base = f(one.astype(bool), one * 0.3, one * 0.3, one * 0.7, 0.5)
    assert f(one.astype(bool), one * 0.8, one * 0.3, one * 0.7, 0.5) > base
    assert f(one.astype(bool), one * 0.3, one * 0.8, one * 0.7, 0.5) > base
    assert f(one.astype(bool), one * 0.3, one * 0.3, one * 1.0, 0.5) > base
    no_tie = f(np.zeros(1, bool), one * 0.9, one * 0.3, one * 0.7, 0.5)
    assert no_tie < base  # any tie beats the front door


def test_exclusion_more_likely_at_higher_severity():
    p = casework.exclusion_probability(np.array([10.0, 40.0]), 0.3, 48.0)
    assert p[1] > p[0] and p[1] <= 0.3


def test_capacity_is_at_most_one_and_falls_with_vacancies():
    m = CopModel({"brokerage.hours_per_week": 0})
    casework.refresh_caseloads(m)
    assert np.all(m.agencies.capacity <= 1.0)
    full = m.agencies.capacity[0]
    staff = np.flatnonzero(m.posts.occupied & (m.posts.agency == 0))
    m.posts.occupied[staff[:5]] = False
    casework.refresh_caseloads(m)
    assert m.agencies.capacity[0] < full
    assert m.posts.pressure[staff[5]] > 0


def test_key_workers_go_to_the_least_loaded_at_the_agency_of_greatest_need():
    m = CopModel(
        {
            "casework.key_worker_choice": "least_loaded",
            "brokerage.hours_per_week": 0,
            "burn_in_weeks": 0,
        }
    )
    people = m.people
    primary = np.argmax(people.needs, axis=1)
    target = people.home_agency[np.arange(len(people)), primary]
    assert np.all(m.posts.agency[people.key_worker] == target)
    loads = np.bincount(people.key_worker, minlength=len(m.posts))
    for agency in range(len(m.agencies)):
        staff = np.flatnonzero(m.posts.occupied & (m.posts.agency == agency))
        assert loads[staff].max() - loads[staff].min() <= 1


def test_failed_referrals_bounce_or_exclude_and_count_as_demand():
    m = CopModel(
        {
            "casework.attempt_rate": 1.0,
            "casework.cold_referral": 0.0,
            "site.cross_ties_per_practitioner": 0.0,
            "casework.exclusion_risk": 1.0,
        }
    )
    m.steps = 1
    casework.step(m)
    assert m.totals.referrals > 0 and m.totals.referrals_accepted == 0
    assert m.totals.exclusions > 0
    assert m.posts.failed_week.sum() == m.totals.referrals
    assert (m.people.excluded_until > 1).any()


def test_least_loaded_fills_the_lowest_loads_first():
    load = np.array([3, 0, 1, 5])
    got = casework.least_loaded(np.array([0, 1, 2, 3]), load, 4)
    # loads 3, 0, 1, 5: post 1 takes two (0, then 1 tying post 2 at 1), post 2 one, then
    # post 1 again or post 2 at 2: ties go to the lower post.
    assert sorted(got.tolist()) == [1, 1, 1, 2]


def test_excluded_people_lose_no_engagement_to_the_bounce():
    m = CopModel(
        {
            "casework.attempt_rate": 1.0,
            "casework.cold_referral": 0.0,
            "casework.exclusion_risk": 1.0,
            "casework.tie_from_referral": 0.0,
            "site.cross_ties_per_practitioner": 0.0,
            "brokerage.hours_per_week": 0.0,
            "burn_in_weeks": 0,
        }
    )
    m.people.severity[:] = m.severity_max  # every failure excludes
    before = m.people.engagement.copy()
    casework.step(m)
    assert m.totals.exclusions > 0
    assert np.array_equal(m.people.engagement, before)


def reference_step(model):
    """casework.step as first written (indexing each draw per referral), for comparison."""
    from copsim.model.mechanisms import trust as trust_rules

    p, people, posts, ties = model.p, model.people, model.posts, model.ties
    week = model.week
    # Every person's four draws for every domain, read where needed.
    cols, domains = people.identity[:, None], np.arange(people.needs.shape[1])
    u_try, u_ok, u_excl, u_tie = (
        model.draws.uniform(f"casework.{name}", week, cols, domains)
        for name in ("attempt", "accept", "exclude", "tie")
    )
    kw = people.key_worker
    own = np.full(len(people), -1)
    own[kw >= 0] = model.agencies.domain[posts.agency[kw[kw >= 0]]]
    want = (
        (people.needs > p.needs.threshold)
        & (people.supported_until <= week)
        & (people.excluded_until <= week)
        & (kw >= 0)[:, None]
        & (np.arange(people.needs.shape[1]) != own[:, None])
        & (people.home_agency >= 0)
    )
    attempt = want & (u_try < p.casework.attempt_rate * people.engagement[:, None])
    who, dom = np.nonzero(attempt)
    if len(who) == 0:
        return
    src = kw[who]
    target = people.home_agency[who, dom]
    tie_trust, edge = ties.best_into(src, target, posts.agency)
    has_tie = edge >= 0
    route = np.where(
        has_tie,
        p.casework.cold_referral + (1.0 - p.casework.cold_referral) * np.clip(tie_trust, 0, 1),
        p.casework.cold_referral,
    )
    prob = route * (0.5 + 0.5 * posts.knowledge[src, dom]) * model.agencies.capacity[target]
    ok = u_ok[who, dom] < prob
    model.totals.referrals += len(who)
    model.totals.referrals_accepted += int(ok.sum())
    people.supported_until[who[ok], dom[ok]] = week + p.casework.episode_weeks
    trust_rules.record_joint_work(model, edge[has_tie], ok[has_tie])
    new = ok & ~has_tie & (u_tie[who, dom] < p.casework.tie_from_referral)
    if new.any():
        partners = []
        for person, d, agency in zip(who[new], dom[new], target[new], strict=True):
            # The staff in post at the agency whose race key, keyed by the referral, is least.
            event = model.draws.bits("casework.partner", week, people.identity[person], d)
            staff = model.agencies.staff_of(posts, agency)
            keys = model.draws.race("casework.partner", -(1 << 30), event ^ posts.identity[staff])
            partners.append(staff[keys.argmin()] if len(staff) else -1)
        partners = np.array(partners, dtype=np.int64)
        found = partners >= 0
        base = p.site.joint_working_history
        start = trust_rules.gain(base, p.trust.gain)
        ties.add(src[new][found], partners[found], start, week, base)
    fail = ~ok
    if fail.any():
        fw, fd = who[fail], dom[fail]
        excl = u_excl[fw, fd] < casework.exclusion_probability(
            people.severity[fw], p.casework.exclusion_risk, float(model.severity_max)
        )
        people.excluded_until[fw[excl], fd[excl]] = week + p.casework.exclusion_weeks
        np.subtract.at(people.engagement, fw[~excl], p.casework.bounce_loss)
        np.clip(people.engagement, 0.0, 1.0, out=people.engagement)
        posts.failed_week += np.bincount(src[fail], minlength=len(posts))
        model.totals.exclusions += int(excl.sum())


def test_casework_step_equals_the_reference_week_after_week():
    from copsim.model.cop_model import WEEK

    for params in (
        {"burn_in_weeks": 0},
        {"burn_in_weeks": 0, "casework.attempt_rate": 1.0, "casework.tie_from_referral": 1.0},
        {"site.agencies_per_type": 2, "site.people": 200, "casework.exclusion_risk": 1.0},
    ):
        fast, slow = (CopModel(params, rng=5, agents=False) for _ in range(2))
        for week in range(1, 25):
            for m in (fast, slow):
                m.steps = week
                for name, mechanism in WEEK:
                    if name != "casework":
                        mechanism(m)
                    elif m is fast:
                        casework.step(m)
                    else:
                        reference_step(m)
            assert fast.totals == slow.totals
            for attr in ("engagement", "supported_until", "excluded_until", "key_worker"):
                assert np.array_equal(getattr(fast.people, attr), getattr(slow.people, attr))
            assert np.array_equal(fast.posts.failed_week, slow.posts.failed_week)
            for x, y in zip(fast.ties.view(), slow.ties.view(), strict=True):
                assert np.array_equal(x, y)
            assert np.array_equal(fast.ties.baselines(), slow.ties.baselines())


def test_post_domain_is_the_domain_of_each_posts_agency():
    m = CopModel({"burn_in_weeks": 0}, agents=False)
    expected = m.agencies.domain[m.posts.agency]
    assert np.array_equal(m.agencies.post_domain(m.posts), expected)
    assert np.array_equal(m.agencies.post_domain(m.posts), expected)  # kept, still equal


def test_key_worker_domain_gives_each_key_workers_domain_and_none_for_the_unallocated():
    from copsim.model.domains import DOMAINS

    m = CopModel({"burn_in_weeks": 0}, agents=False)
    for _ in range(3):
        m.step()
        kw = np.append(m.people.key_worker, -1)  # and one unallocated
        fresh = np.where(kw >= 0, m.agencies.domain[m.posts.agency][kw], len(DOMAINS))
        assert np.array_equal(m.agencies.key_worker_domain(m.posts).take(kw), fresh)
        assert np.array_equal(
            m.agencies.key_worker_domain(m.posts)[:-1], m.agencies.post_domain(m.posts)
        )


def test_key_worked_counts_each_posts_people_and_skips_the_unallocated():
    rng = np.random.default_rng(2)
    for _ in range(50):
        kw = rng.integers(-1, 12, int(rng.integers(0, 40)))
        expected = np.bincount(kw[kw >= 0], minlength=12)
        assert casework.key_worked(kw, 12).tolist() == expected.tolist()


def _weighted(balance: float) -> CopModel:
    """A model at week 0 whose key workers were chosen by weighted races."""
    values = {
        "casework.key_worker_choice": "weighted",
        "casework.allocation_balance": balance,
        "brokerage.hours_per_week": 0,
        "burn_in_weeks": 0,
        "site.people": 600,
    }
    return CopModel(values, agents=False)


def _spread(m: CopModel) -> float:
    """Mean over agencies of the range of its staff's caseloads."""
    loads = np.bincount(m.people.key_worker, minlength=len(m.posts))
    ranges = []
    for agency in range(len(m.agencies)):
        staff = np.flatnonzero(m.posts.occupied & (m.posts.agency == agency))
        ranges.append(loads[staff].max() - loads[staff].min())
    return float(np.mean(ranges))


def test_weighted_choice_places_everyone_in_post_at_the_agency_of_greatest_need():
    m = _weighted(4.0)
    people = m.people
    primary = np.argmax(people.needs, axis=1)
    target = people.home_agency[np.arange(len(people)), primary]
    assert (people.key_worker >= 0).all()
    assert np.all(m.posts.agency[people.key_worker] == target)
    assert m.posts.occupied[people.key_worker].all()


def test_a_stronger_balance_evens_caseloads_out():
    spreads = [_spread(_weighted(b)) for b in (0.0, 2.0, 8.0)]
    assert spreads[0] > spreads[1] > spreads[2]
    assert spreads[2] <= 2.0  # almost the least loaded every time


def test_one_person_s_other_need_moves_few_others_under_weighted_choice():
    """Common random numbers: under least-loaded choice one changed person shifts a queue."""

    def changed(choice: str) -> float:
        values = {"casework.key_worker_choice": choice, "burn_in_weeks": 0, "site.people": 600}
        m = CopModel(values, agents=False)
        people = m.people
        people.key_worker[:] = -1
        first_needs = people.needs[0].copy()
        casework.allocate_key_workers(m)
        first = people.key_worker.copy()
        # Person 0's greatest need is now another domain: they wait at another agency.
        people.needs[0] = np.roll(first_needs, 1)
        people.key_worker[:] = -1
        casework.allocate_key_workers(m)
        assert m.posts.agency[people.key_worker[0]] != m.posts.agency[first[0]]
        return float(np.mean(people.key_worker[1:] != first[1:]))

    weighted, strict = changed("weighted"), changed("least_loaded")
    assert weighted < 0.1
    assert weighted < strict / 3
