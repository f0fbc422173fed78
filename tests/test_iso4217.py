"""The currency table against the ISO 4217 list the ``iso4217`` package ships (a dev
dependency): same codes, same minor units, and the checked-in module is what
``scripts/regen_iso4217.py`` writes."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import iso4217
import pytest

from revcycle import Currency
from revcycle._iso4217 import MINOR_UNITS, NO_MINOR_UNIT
from revcycle.errors import UnknownCodeError


ROOT = Path(__file__).resolve().parent.parent


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "regen_iso4217", ROOT / "scripts" / "regen_iso4217.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_table_has_the_packages_codes_and_minor_units() -> None:
    listed = {c.code: c.exponent for c in iso4217.Currency}
    assert {code: n for code, n in listed.items() if n is not None} == MINOR_UNITS
    assert {code for code, n in listed.items() if n is None} == NO_MINOR_UNIT
    assert str(iso4217.__published__) == "2026-01-01"


def test_the_2026_list_drops_the_lev_and_adds_the_arab_accounting_dinar() -> None:
    # Bulgaria joined the euro on 2026-01-01; XAD (Arab Accounting Dinar) has 2 minor digits.
    assert "BGN" not in MINOR_UNITS
    assert Currency("XAD").minor_units == 2
    with pytest.raises(UnknownCodeError, match="'BGN'"):
        Currency("BGN")


def test_the_checked_in_module_is_what_the_script_writes() -> None:
    script = _script()
    text = script.render(script.iso_minor_units(), iso4217.__published__.isoformat())
    assert (ROOT / "src" / "revcycle" / "_iso4217.py").read_text(encoding="utf-8") == text
