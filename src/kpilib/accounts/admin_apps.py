"""The Django admin app configured with kpilib's admin site (which asks the permissions module)."""

from django.contrib.admin.apps import AdminConfig


class KpilibAdminConfig(AdminConfig):
    default_site = "kpilib.accounts.admin_site.KpilibAdminSite"
