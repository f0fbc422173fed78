"""``revcycle schema``: the JSON Schema (draft 2020-12) of a document revcycle reads.

::

    revcycle schema quote
    revcycle schema open-items > open-items.schema.json
    revcycle schema --list

``NAME`` is one of the documents of :data:`revcycle.serialization.DOCUMENTS` (``quote``,
``contract``, ``bill-run``, ``open-items``, ``usage-events`` ...; a class name such as
``PricedQuote`` is read too). The schema is written from the same rules as the JSON
converter: decimals as strings, unknown keys refused, a ``"type"`` tag on every union.
The same files are published under ``docs/schemas/``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Any

from revcycle.cli._common import add_verb
from revcycle.errors import CliError, shown


def register(subparsers: Any) -> None:
    """Add the ``schema`` verb."""
    summary = "print the JSON Schema of a document (quote, contract, open-items, ...)"
    parser = add_verb(subparsers, "schema", summary, _handle, doc=__doc__)
    parser.add_argument("name", metavar="NAME", nargs="?", help="the document, such as quote")
    parser.add_argument("--list", action="store_true", help="list the document names")


def document_name(text: str) -> str:
    """The document name ``text`` stands for: ``PricedQuote``, ``priced_quote`` and
    ``priced-quote`` are one name."""
    from revcycle.serialization import DOCUMENTS  # the JSON edge, imported when the verb runs

    dashed = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", text.strip()).replace("_", "-").lower()
    if dashed not in DOCUMENTS:
        known = ", ".join(DOCUMENTS)
        raise CliError(f"there is no document named {shown(text)}; the documents are: {known}.")
    return dashed


def schema_of(name: str) -> dict[str, Any]:
    """The published schema of the document ``name``, titled by that name."""
    from revcycle.serialization import DOCUMENTS, json_schema

    schema = json_schema(DOCUMENTS[name], title=name)
    return {"$id": f"urn:revcycle:schema:{name}", **schema}


def _handle(args: argparse.Namespace) -> int:
    from revcycle.serialization import DOCUMENTS

    if args.list:
        sys.stdout.write("\n".join(DOCUMENTS) + "\n")
        return 0
    if args.name is None:
        raise CliError("give a document NAME such as quote, or --list.")
    schema = schema_of(document_name(args.name))
    sys.stdout.write(json.dumps(schema, indent=2, ensure_ascii=False) + "\n")
    return 0
