"""Read-only access for BI tools (issue 15, item 6): SQL views over the fact store, the
scorecard lines, the indicator library and the organisation, and file exports of facts and
scorecards (`kpilib export`). See docs/deployment.md for the read-only database role."""
