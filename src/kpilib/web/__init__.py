"""The web interface: views, templates and vendored static assets (no models, no business rules)."""
