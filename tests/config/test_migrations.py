"""Every model change has its migration (otherwise a fresh install's schema is wrong)."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration() -> None:
    # when Django compares the models with the migrations
    output = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=output)
    # then it finds nothing to write (the command exits non-zero otherwise)
    assert "No changes detected" in output.getvalue()
