"""No models: the app owns SQL views only (kpilib.bi.views). The module exists so that
Django sends this app the pre- and post-migrate signals (see kpilib.bi.apps)."""
