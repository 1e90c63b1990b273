"""Indicator library (指标库): dimensions, indicators and their immutable versions, strategy."""
