"""The API's description, OpenAPI 3.1 (its schemas are JSON Schema 2020-12), served at
/api/openapi.json; the tests check that every response they receive matches it."""

from __future__ import annotations

from typing import Any

from runtime.wording import KINDS

NULLABLE_STRING = {"type": ["string", "null"]}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def _ok(description: str, schema: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


ORG = {
    "name": "org",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "description": "The organisation's identifier, as in its public address.",
}
SLUG = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
REFERENCE = {
    "name": "reference",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "example": "VOI-2026-000123",
}
SECURED: list[dict[str, list[str]]] = [{"token": []}]

SCHEMAS: dict[str, Any] = {
    "Problem": {
        "type": "object",
        "required": ["type", "title", "status", "detail"],
        "description": "An error, as RFC 9457 describes (`application/problem+json`).",
        "properties": {
            "type": {"type": "string"},
            "status": {"type": "integer"},
            "title": {"type": "string"},
            "detail": {
                "type": "string",
                "description": "What is wrong, in the language of `Accept-Language`.",
            },
            "errors": {"type": "array", "items": {"$ref": "#/components/schemas/FieldError"}},
        },
    },
    "FieldError": {
        "type": "object",
        "required": ["pointer", "field", "code", "message"],
        "properties": {
            "pointer": {
                "type": "string",
                "description": "JSON pointer into the request body, e.g. `/answers/enfants/0/prenom`.",
            },
            "field": {"type": "string", "description": "Path of the answer, e.g. `enfants.0.prenom`."},
            "code": {
                "type": "string",
                "description": "The rule broken: `required`, `unknown`, `maxLength`, "
                "`format:email`, `api:file`...",
            },
            "message": {"type": "string"},
        },
    },
    "Procedure": {
        "type": "object",
        "required": ["slug", "kind", "title", "version", "url"],
        "properties": {
            "slug": {"type": "string"},
            "kind": {"enum": list(KINDS)},
            "title": {"type": "string"},
            "version": {"type": "integer"},
            "url": {"type": "string"},
        },
    },
    "ProcedureList": {
        "type": "object",
        "required": ["procedures"],
        "properties": {"procedures": {"type": "array", "items": {"$ref": "#/components/schemas/Procedure"}}},
    },
    "PublishedProcedure": {
        "allOf": [
            {"$ref": "#/components/schemas/Procedure"},
            {
                "type": "object",
                "required": ["definition", "schema"],
                "properties": {
                    "definition": {
                        "type": "object",
                        "description": "The procedure definition (docs/definition.md), "
                        "its workflow without the actions of its transitions.",
                    },
                    "schema": {
                        "type": "object",
                        "description": "The data schema answers must satisfy (JSON Schema 2020-12), "
                        "every rule of the form written in; what JSON Schema cannot say "
                        "(`parvisAfter`, `parvisBudget`) in the Parvis vocabulary its "
                        "`$vocabulary` declares (docs/definition.md).",
                    },
                },
            },
        ]
    },
    "NewSubmission": {
        "type": "object",
        "required": ["answers"],
        "additionalProperties": False,
        "properties": {
            "answers": {
                "type": "object",
                "description": "Answers by field name, typed as the data schema says. A name the form does not "
                "have is refused (code `unknown`). A file question takes a list of "
                '`{"name": "plan.pdf", "content": "<the bytes in base64>"}`: '
                "each is checked as on the web (type read from the bytes, the question's "
                "accepted types and size; codes `upload:type`, `upload:too_large`, "
                "`upload:empty`, or `api:file` for another shape) and stored; the "
                "answer then holds `{id, name, type, size}` as the data schema says. "
                "Texts are stored in Unicode NFC; NaN, Infinity, duplicate keys, lone "
                "surrogates and NUL characters are refused (400).",
            },
            "lang": {
                "type": "string",
                "description": "The applicant's language (default: the organisation's).",
            },
        },
    },
    "Status": {
        "type": "object",
        "required": [
            "reference",
            "procedure",
            "version",
            "status",
            "channel",
            "created_at",
            "updated_at",
            "follow_url",
            "receipt_url",
            "history",
            "transitions",
        ],
        "properties": {
            "reference": {"type": "string"},
            "procedure": {"type": "string"},
            "version": {"type": "integer"},
            "status": {
                "type": "object",
                "required": ["name", "label", "final"],
                "properties": {
                    "name": {"type": "string"},
                    "label": NULLABLE_STRING,
                    "final": {"type": "boolean"},
                },
            },
            "channel": {"enum": ["web", "counter", "phone", "mail", "api"]},
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"},
            "follow_url": {"type": "string"},
            "receipt_url": {"type": "string"},
            "answers": {"type": "object"},
            "history": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["at", "kind"],
                    "properties": {
                        "at": {"type": "string"},
                        "kind": {"type": "string"},
                        "from": NULLABLE_STRING,
                        "to": NULLABLE_STRING,
                        "comment": NULLABLE_STRING,
                    },
                },
            },
            "transitions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["to", "label"],
                    "properties": {
                        "to": {"type": "string"},
                        "label": {"type": "string"},
                        "functions": {"type": "array", "items": {"type": "string"}},
                        "comment_required": {"type": "boolean"},
                    },
                },
            },
        },
    },
    "TransitionRequest": {
        "type": "object",
        "required": ["to"],
        "additionalProperties": False,
        "properties": {
            "to": {"type": "string", "description": "The status to move to, among the transitions offered."},
            "comment": {
                "type": "string",
                "description": "Shown to the applicant when the status is visible.",
            },
        },
    },
}


def document(base_url: str = "") -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Parvis API",
            "version": "1",
            "description": "Read published procedures, create submissions (validated as on the web, channel "
            "`api`), read their status and move them through their workflow. Errors are "
            "`application/problem+json` (RFC 9457) with a `detail` sentence in the language of "
            "`Accept-Language`, and `errors` giving a JSON pointer to each answer at fault.",
        },
        "servers": [{"url": base_url or "/"}],
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "token": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An organisation's API token (made by its administrators), `Authorization: Bearer pvs_...`.",
                }
            },
        },
        "paths": {
            "/api/{org}/procedures": {
                "get": {
                    "operationId": "listProcedures",
                    "summary": "The organisation's open, published procedures.",
                    "parameters": [ORG],
                    "responses": {
                        "200": _ok("The procedures.", "ProcedureList"),
                        "404": _error("No such organisation."),
                    },
                }
            },
            "/api/{org}/procedures/{slug}": {
                "get": {
                    "operationId": "getProcedure",
                    "summary": "A published procedure's definition and data schema.",
                    "parameters": [ORG, SLUG],
                    "responses": {
                        "200": _ok("The published version.", "PublishedProcedure"),
                        "404": _error("No such published procedure."),
                    },
                }
            },
            "/api/{org}/procedures/{slug}/submissions": {
                "post": {
                    "operationId": "createSubmission",
                    "summary": "Submit answers, as a citizen would on the web.",
                    "security": SECURED,
                    "parameters": [
                        ORG,
                        SLUG,
                        {
                            "name": "Idempotency-Key",
                            "in": "header",
                            "required": True,
                            "schema": {"type": "string", "maxLength": 200},
                            "description": "Any unique text per submission: a retry with the same key returns the first "
                            "submission instead of making a second.",
                        },
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/NewSubmission"}}
                        },
                    },
                    "responses": {
                        "201": _ok("Received.", "Status"),
                        "200": _ok("Already received with this key.", "Status"),
                        "400": _error("Not strict JSON (see `answers`), or no Idempotency-Key."),
                        "401": _error("No valid token."),
                        "404": _error("No such published procedure."),
                        "409": _error("One answer per person: this address already sent one."),
                        "410": _error("The procedure is closed (dates in the organisation's time zone)."),
                        "413": _error("Too large."),
                        "422": _error("The answers are not valid: see `errors`."),
                    },
                }
            },
            "/api/{org}/submissions/{reference}": {
                "get": {
                    "operationId": "getSubmission",
                    "summary": "A submission's status, history and answers.",
                    "security": SECURED,
                    "parameters": [ORG, REFERENCE],
                    "responses": {
                        "200": _ok("The submission.", "Status"),
                        "401": _error("No valid token."),
                        "404": _error("No such submission in this organisation."),
                    },
                }
            },
            "/api/{org}/submissions/{reference}/transitions": {
                "post": {
                    "operationId": "transitionSubmission",
                    "summary": "Move a submission to another status.",
                    "security": SECURED,
                    "parameters": [ORG, REFERENCE],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/TransitionRequest"}}
                        },
                    },
                    "responses": {
                        "200": _ok("Moved; its actions are queued.", "Status"),
                        "400": _error("Not JSON."),
                        "401": _error("No valid token."),
                        "413": _error("Too large."),
                        "403": _error("The token holds no function allowed to take this transition."),
                        "404": _error("No such submission in this organisation."),
                        "409": _error(
                            "No such transition from the current status, a comment is missing, "
                            "or someone moved it first."
                        ),
                    },
                }
            },
        },
    }
