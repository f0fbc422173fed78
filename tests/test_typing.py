"""Public constructors have precise types (issue 16: "Constructors are typed object").

``mypy --strict`` checks ``tests/typecheck/constructors.py``: the calls a user should be able
to write type-check, and ``Money(1.5, "USD")`` and its kind are type errors (their
``type: ignore`` comments would otherwise be reported as unused). The attrs plugin takes each
``__init__`` parameter's type from its converter's signature, so the converters are typed
precisely; at run time they still refuse a wrong type with ``RevcycleTypeError``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from revcycle import Money, errors


ROOT = Path(__file__).resolve().parent.parent


def test_constructors_type_check_as_a_user_expects() -> None:
    pytest.importorskip("mypy")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "tests/typecheck/constructors.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_refused_calls_still_fail_at_run_time() -> None:
    with pytest.raises(errors.RevcycleTypeError):
        Money(1.5, "USD")  # type: ignore[arg-type]
