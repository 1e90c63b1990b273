"""Settings package: `base` reads the environment (production-safe defaults), `test` for pytest."""
