"""The API reference at /docs, rendered on the server from the app's OpenAPI schema.

Swagger UI loads its script and styles from a CDN, so it shows a blank page offline; this page needs nothing but
our own stylesheet. The machine-readable schema stays at /api/openapi.json.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass
class Param:
    name: str
    where: str
    required: bool
    type: str
    description: str


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: str
    tag: str
    params: list[Param] = field(default_factory=list)
    body: str = ""
    responses: list[tuple[str, str, str]] = field(default_factory=list)  # (status, description, schema)

    @property
    def anchor(self) -> str:
        return f"{self.method}-{self.path}".replace("/", "-").replace("{", "").replace("}", "").strip("-")


@dataclass
class Schema:
    name: str
    description: str
    fields: list[Param]


def _type(schema: Any) -> str:
    if not isinstance(schema, dict):
        return "any"
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(_type(s) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return f"list[{_type(schema.get('items', {}))}]"
    if "enum" in schema:
        return " | ".join(repr(v) for v in schema["enum"])
    if schema.get("type") == "object" and "additionalProperties" in schema:
        return f"dict[str, {_type(schema['additionalProperties'])}]"
    return str(schema.get("type", "any"))


def reference(openapi: dict[str, Any]) -> tuple[list[Operation], list[Schema]]:
    """The operations (in path order) and schemas of an OpenAPI document, flattened for the template."""
    ops: list[Operation] = []
    for path, item in openapi.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = [Param(p["name"], p.get("in", ""), bool(p.get("required")), _type(p.get("schema", {})),
                            p.get("description") or p.get("schema", {}).get("description", ""))
                      for p in op.get("parameters", [])]
            body = ""
            content = op.get("requestBody", {}).get("content", {})
            if content:
                body = _type(next(iter(content.values())).get("schema", {}))
            responses = []
            for status, r in op.get("responses", {}).items():
                schema = next(iter(r.get("content", {}).values()), {}).get("schema", {})
                responses.append((status, r.get("description", ""), _type(schema) if schema else ""))
            ops.append(Operation(method.upper(), path, op.get("summary", ""), op.get("description", ""),
                                 (op.get("tags") or ["other"])[0], params, body, responses))
    schemas = []
    for name, s in sorted(openapi.get("components", {}).get("schemas", {}).items()):
        required = set(s.get("required", []))
        fields = [Param(k, "", k in required, _type(v), v.get("description", ""))
                  for k, v in s.get("properties", {}).items()]
        schemas.append(Schema(name, s.get("description", ""), fields))
    return ops, schemas
