"""Django project configuration: settings, URL map, WSGI/ASGI entry points."""
