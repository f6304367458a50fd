"""Validate /v1 responses against the API spec shipped in the repo.

The spec is OpenAPI 3.0: `nullable: true` becomes a JSON-schema type union
(or an anyOf with null) when loading, and $refs resolve within the document.
A status the operation does not list is accepted only for errors, and then
must be the spec's Error shape (our 401/405 and list-parameter 400s).
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

import facematch_ui.engine

SPEC_PATH = (
    Path(facematch_ui.engine.__file__).parent / "openapi" / "cloudglue-face-api.openapi.json"
)


def _convert(node: Any) -> Any:
    if isinstance(node, list):
        return [_convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _convert(value) for key, value in node.items()}
    if node.pop("nullable", False):
        if isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
            if "enum" in node:
                node["enum"] = [*node["enum"], None]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


@cache
def spec() -> dict[str, Any]:
    return _convert(json.loads(SPEC_PATH.read_text()))


def _resolve(node: Any, root: dict[str, Any]) -> Any:
    if isinstance(node, list):
        return [_resolve(item, root) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target: Any = root
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        extra = {k: v for k, v in node.items() if k not in ("$ref", "description")}
        resolved = _resolve(copy.deepcopy(target), root)
        return {"allOf": [resolved, _resolve(extra, root)]} if extra else resolved
    return {key: _resolve(value, root) for key, value in node.items()}


def response_schema(method: str, path_template: str, status: int) -> dict[str, Any]:
    document = spec()
    operation = document["paths"][path_template][method.lower()]
    responses = operation["responses"]
    if str(status) in responses:
        response = responses[str(status)]
    elif status >= 400:
        response = {
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        }
    else:
        raise AssertionError(f"{method} {path_template} does not document status {status}")
    return _resolve(response["content"]["application/json"]["schema"], document)


def validate_response(method: str, path_template: str, status: int, body: Any) -> None:
    """Raise AssertionError unless `body` fits the spec for this operation and status."""
    schema = response_schema(method, path_template, status)
    try:
        jsonschema.validate(body, schema, format_checker=jsonschema.FormatChecker())
    except jsonschema.ValidationError as err:
        raise AssertionError(
            f"{method} {path_template} -> {status} breaks the spec: {err.message} "
            f"at {list(err.absolute_path)}"
        ) from err
