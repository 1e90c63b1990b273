"""Organisation: the org-unit tree, positions and employees (leavers keep their history)."""
