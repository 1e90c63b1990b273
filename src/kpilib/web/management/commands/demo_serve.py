"""`kpilib manage demo_serve`: print the URL and demo logins, then run the web server."""

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from kpilib.web.demo import DEMO_PASSWORD, demo_logins


class Command(BaseCommand):
    help = "Serve the demo: prints the address and one login per role, then runs the server."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        address = options["addrport"]
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"kpilib demo: http://{address}/"))
        self.stdout.write(f"API docs:    http://{address}/api/docs")
        self.stdout.write("Logins (username / password / role):")
        for username, role in demo_logins():
            self.stdout.write(f"  {username:<10} {DEMO_PASSWORD}   {role}")
        self.stdout.write("Stop with Ctrl+C.\n")
        call_command("runserver", address, use_reloader=False)
