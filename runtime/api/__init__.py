"""The JSON API's domain: submissions received through it, files sent as base64, tokens, its OpenAPI description."""
