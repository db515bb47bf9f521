"""Every `hacon status --json` document a test produces is checked against the shipped schema."""

from __future__ import annotations

import functools
import json
from typing import Any

from jsonschema import Draft202012Validator

from console.model.export import status_schema_text


@functools.cache
def status_validator() -> Draft202012Validator:
    """The validator of the schema shipped in the package (checked to be a valid schema)."""
    schema = json.loads(status_schema_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def schema_errors(document: Any) -> list[str]:
    """Each way the document breaks the schema, as `path: message`; [] when it conforms."""
    return [f"{'/'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}"
            for error in status_validator().iter_errors(document)]


def assert_conforms(document: Any) -> Any:
    """Fail with every schema error of `document`; return it unchanged so calls can be inlined."""
    errors = schema_errors(document)
    assert not errors, "status JSON breaks its schema:\n" + "\n".join(errors[:20])
    return document
