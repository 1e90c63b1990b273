"""WSGI entry point for production servers (gunicorn kpilib.config.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kpilib.config.settings.base")
application = get_wsgi_application()
