"""The `kpilib` console command: offline scoring and checks, and database commands."""
