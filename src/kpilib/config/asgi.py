"""ASGI entry point for production servers that speak ASGI."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpilib.config.settings.base")
application = get_asgi_application()
