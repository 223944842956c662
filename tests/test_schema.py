"""The one parameter schema: declarations, validation and the Hydra structured config."""

from __future__ import annotations

import dataclasses

import pytest

from copsim.config import structured_config
from copsim.model.schema import PARAMS, SCHEMA, ConfigError, UnknownKeyError, check_key, validate

PUBLIC = [
    "weeks",
    "seed",
    "site.joint_working_history",
    "site.practitioners_per_agency",
    "site.people",
    "brokerage.hours_per_week",
    "brokerage.setup_weeks",
    "nurture.protected_time",
    "nurture.manager_support",
    "nurture.commissioner_engagement",
    "funding.agency_budget",
    "trust.gain",
    "trust.loss",
    "trust.decay",
]


def test_public_names_are_declared():
    for name in PUBLIC:
        assert name in SCHEMA


@pytest.mark.parametrize("param", PARAMS, ids=lambda p: p.name)
def test_every_declaration_is_complete_and_its_default_valid(param):
    assert param.description and param.source
    assert param.check(param.default) == param.default
    if param.kind in (int, float):
        assert param.low is not None and param.high is not None
        assert param.low <= param.default <= param.high


def test_names_are_unique():
    assert len(SCHEMA) == len(PARAMS)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("brokerage.hours_per_week", -1),
        ("brokerage.hours_per_week", 41),
        ("weeks", 1.5),
        ("weeks", "abc"),
        ("nurture.protected_time", True),
        ("site.people", None),
        ("trust.gain", float("nan")),
    ],
)
def test_bad_values_name_key_value_and_what_is_allowed(name, value):
    with pytest.raises(ConfigError) as err:
        validate({name: value})
    message = str(err.value)
    assert name in message and repr(value) in message and "allowed" in message
    assert "\n" not in message


def test_unknown_key_lists_close_matches():
    with pytest.raises(UnknownKeyError) as err:
        check_key("brokerage.hours_per_wek")
    assert "brokerage.hours_per_week" in str(err.value)


def test_integers_accept_whole_floats_and_floats_accept_integers():
    assert validate({"weeks": 52.0})["weeks"] == 52
    assert isinstance(validate({"trust.gain": 1})["trust.gain"], float)


def test_structured_config_has_every_parameter_with_its_default():
    cfg = structured_config()()
    for p in PARAMS:
        node = cfg
        for part in p.name.split("."):
            node = getattr(node, part)
        assert node == p.default
    assert [f.name for f in dataclasses.fields(cfg)].count("events") == 1
