"""The REST API (django-ninja): one router module per resource, no business logic."""
