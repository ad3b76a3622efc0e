"""VIK's REST API (django-ninja, OpenAPI 3.1). One module per domain under `v1/`; the API
translates HTTP to selectors and services and nothing in VIK imports it."""
