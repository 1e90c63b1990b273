"""Appraisal cycles (考核周期): phases, scorecards, calibration, publication, appeals."""
