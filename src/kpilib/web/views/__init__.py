"""Views of the web interface, one module per area; they ask the permissions module and call services."""
