"""Write the JSON Schema of every public document under docs/schemas/ (run after a model changes).

    python docs/write_schemas.py

tests/test_schema.py checks that the files are current: the same text this script writes.
"""

from __future__ import annotations

import json
import pathlib

from revcycle.cli._schema import schema_of
from revcycle.serialization import DOCUMENTS


FOLDER = pathlib.Path(__file__).parent / "schemas"


def schema_text(name: str) -> str:
    """The published text of one document's schema."""
    return json.dumps(schema_of(name), indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    FOLDER.mkdir(exist_ok=True)
    for old in FOLDER.glob("*.schema.json"):
        old.unlink()
    for name in DOCUMENTS:
        (FOLDER / f"{name}.schema.json").write_text(schema_text(name), encoding="utf-8")


if __name__ == "__main__":
    main()
