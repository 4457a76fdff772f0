"""The REST API under /api/v1, described by the OpenAPI document it is built from."""
