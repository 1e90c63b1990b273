"""Accounts: the user model, roles and the one permissions module every view and API call asks."""
