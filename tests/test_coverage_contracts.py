"""A contract's chain of versions refuses what does not add up, whichever way it arrives.

The seed deal's contract C-1 (samples/seed_deal.json, signed 2025-01-01 to 2027-12-31) and its
version 2 (+5 seats co-termed from 2026-03-01: amendment line C-1-2, 5 × 1080.00 × 22/12 =
9,900.00) are read back from JSON with one thing changed, or rebuilt with ``attrs.evolve``;
each inconsistency is refused with the error that names it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import attrs
import pytest

from revcycle import errors
from revcycle.cli._demo._seed import seed_story
from revcycle.contracts import Contract
from revcycle.serialization import dumps, loads


def _version_2() -> Contract:
    return seed_story().upsell.contract


def _read_tampered(change: Callable[[dict[str, Any]], object]) -> Contract:
    document = json.loads(dumps(_version_2()))
    change(document)
    return loads(json.dumps(document), Contract)


def test_the_untampered_chain_reads_back_equal() -> None:
    contract = _version_2()
    assert _read_tampered(lambda document: None) == contract
    assert contract.version == 2
    assert [s.id for s in contract.subscriptions] == ["C-1-1", "C-1-2"]
    assert str(contract.amendment_lines[0].amount) == "9900.00 USD"


def _first(document: dict[str, Any]) -> dict[str, Any]:
    first: dict[str, Any] = document["versions"][0]
    return first


def _second(document: dict[str, Any]) -> dict[str, Any]:
    second: dict[str, Any] = document["versions"][1]
    return second


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: _first(d).update(end_date="2024-12-31"),
            "Contract 'C-1' ends on 2024-12-31, before it starts on 2025-01-01",
        ),
        (
            lambda d: _second(d)["amendment_lines"][0].update(subscription_id="C-1-3"),
            "must each make one of its new segments, in order; they make ['C-1-3']",
        ),
        (
            lambda d: _second(d).update(amendment_lines=[]),
            "must each make one of its new segments, in order; they make none",
        ),
        (
            # The segment says 9,901.00 where its amendment line priced 9,900.00.
            lambda d: _second(d)["subscriptions"][0].update(
                total={"amount": "9901.00", "currency": "USD"}
            ),
            "Amendment line 'C-1-2' and the segment it makes disagree",
        ),
        (
            # 6 seats made by a line whose delta is 5 (105 - 100).
            lambda d: _second(d)["subscriptions"][0].update(quantity="6"),
            "Amendment line 'C-1-2' and the segment it makes disagree",
        ),
        (lambda d: _second(d).update(amendment=None), "version 2 needs the amendment"),
    ],
)
def test_a_tampered_chain_is_refused(
    change: Callable[[dict[str, Any]], object], message: str
) -> None:
    with pytest.raises(errors.StructureError) as raised:
        _read_tampered(change)
    assert message in str(raised.value)


def test_a_later_version_keeps_what_every_version_shares() -> None:
    with pytest.raises(errors.ValidationError, match="version 2 changes account, which every"):
        attrs.evolve(_version_2(), account="Fabrikam")
    with pytest.raises(errors.ValidationError, match="version 3 must follow version 1"):
        attrs.evolve(_version_2(), version=3)


def test_renews_and_amended_check_their_types() -> None:
    story = seed_story()
    with pytest.raises(errors.RevcycleTypeError, match="renews must be a Contract or None, not 5"):
        Contract.from_quote(story.priced, id="C-9", renews=5)  # type: ignore[arg-type]
    with pytest.raises(errors.RevcycleTypeError, match="needs an Amendment, not 5"):
        story.contract.amended(5, (), ())  # type: ignore[arg-type]


def test_equality_is_by_value_and_only_between_contracts() -> None:
    contract = _version_2()
    assert contract == contract
    assert contract != "C-1"
    assert (contract == 5) is False
    # The renewal C-2 names what it renews in its explanation.
    assert "renews C-1 (version 2)" in seed_story().renewed.explain()
