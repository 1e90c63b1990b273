"""System checks of kpilib's own configuration, registered by the web app's `ready()`.

kpilib.W001 (`manage check --deploy`): the secret key was generated into the data
directory because SECRET_KEY is not set. Fine for one machine trying kpilib out; a
deployment sets one explicit SECRET_KEY shared by every web and worker host, kept out of
the data directory's backups.
"""

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def secret_key_from_file(app_configs: object = None, **kwargs: object) -> list[CheckMessage]:
    key_file = getattr(settings, "KPILIB_SECRET_KEY_FILE", None)
    if key_file is None:
        return []
    return [
        Warning(
            f"SECRET_KEY is not set: the secret key was generated into {key_file}.",
            hint=(
                "Export one explicit SECRET_KEY (50+ random characters) on every web and worker "
                "host; hosts with different keys reject each other's sessions and signed links."
            ),
            id="kpilib.W001",
        )
    ]
