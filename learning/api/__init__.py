"""The public API at /api/v1: tokens, problem details, paging and the OpenAPI document.
Each package serves its own resources from its `api.py`."""
