"""Policy events: validated, sorted, labelled, and applied from their week."""

import pytest

from copsim.model.cop_model import CopModel
from copsim.model.events import parse_events
from copsim.model.schema import ConfigError


def test_events_are_validated_sorted_and_labelled():
    events = parse_events(
        [
            {"week": 9, "set": {"nurture": {"protected_time": 0.0}}, "label": "withdrawn"},
            {"week": 3, "set": {"funding.agency_budget": 0.8}},
        ],
        weeks=10,
    )
    assert [e.week for e in events] == [3, 9]
    assert events[0].label == "funding.agency_budget=0.8"
    assert events[1].changes == {"nurture.protected_time": 0.0}
    with pytest.raises(ConfigError, match="events\\[0\\].week"):
        parse_events([{"week": 11, "set": {"trust.gain": 0.1}}], weeks=10)


def test_event_changes_the_parameter_from_its_week():
    m = CopModel({"weeks": 10, "events": [{"week": 4, "set": {"funding.agency_budget": 0.5}}]})
    for week in range(1, 11):
        m.step()
        expected = 0.5 if week >= 4 else 1.0
        assert m.p.funding.agency_budget == expected
    assert m.agencies.funded.sum() == 30
    assert [e.week for e in m.event_log] == [4]
