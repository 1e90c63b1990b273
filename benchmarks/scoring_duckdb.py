"""Reference scorer: the default presales-engineer plan (product.md §4) as one DuckDB query.

This is the "as fast as the machine allows" yardstick for `kpilib score`: DuckDB reads
the CSV in parallel and one GROUP BY computes every measure; the rules, the missing-data
policy and the renormalisation are CASE expressions. Scored: every employee with a fact
in the file, whatever its date (the file is the roster, as for `kpilib score`). Missing data: no survey responses → satisfaction not scored and
the total renormalised over the scored indicators (100 × Σ points / Σ max points); no
revisit due → full marks; no exam → base 0; no daily report → 0; counts default to 0.
"""

from datetime import date
from pathlib import Path
from typing import Any

from scorecards import Scorecard, assign_ranks, grade_for, indicator

MEASURES_AND_POINTS = """
WITH facts AS (
    SELECT
        employee_id, customer_id, coalesce(value, 1.0) AS value,
        -- Facts outside the period still put their employee on the roster.
        CASE WHEN occurred_on BETWEEN $first_day AND $last_day THEN metric END AS metric
    FROM read_csv(
        $facts, header = true,
        columns = {
            'employee_id': 'VARCHAR', 'metric': 'VARCHAR', 'occurred_on': 'DATE',
            'value': 'DOUBLE', 'customer_id': 'VARCHAR', 'project_id': 'VARCHAR',
            'source': 'VARCHAR', 'external_id': 'VARCHAR'
        }
    )
),
measures AS (
    SELECT
        employee_id,
        count(DISTINCT customer_id) FILTER (metric = 'unresolved_customer') AS unresolved,
        count(*) FILTER (metric = 'satisfaction_score') AS responses,
        avg(value) FILTER (metric = 'satisfaction_score') AS satisfaction,
        count(*) FILTER (metric = 'revisit_due') AS revisits_due,
        count(*) FILTER (metric = 'revisit_done') AS revisits_done,
        count(*) FILTER (metric = 'complaint') AS complaints,
        max(value) FILTER (metric = 'training_exam') AS best_exam,
        count(*) FILTER (metric = 'case_shared') AS cases_shared,
        count(*) FILTER (metric = 'daily_report') AS daily_reports,
        count(*) FILTER (metric = 'daily_report' AND value < 0) AS perfunctory,
        count(*) FILTER (metric = 'daily_report' AND value > 0) AS constructive
    FROM facts
    GROUP BY employee_id
),
points AS (
    SELECT
        *,
        -- Literals like 35.0 are DECIMAL in DuckDB; points are DOUBLE like the engine's floats.
        CAST(CASE WHEN unresolved = 0 THEN 35.0 WHEN unresolved <= 3 THEN 30.0
             WHEN unresolved <= 10 THEN 20.0 ELSE 10.0 END AS DOUBLE) AS tech_points,
        CAST(CASE WHEN responses = 0 THEN NULL WHEN satisfaction >= 95 THEN 15.0
             WHEN satisfaction < 80 THEN 0.0
             ELSE 15.0 * (satisfaction - 80.0) / 15.0 END AS DOUBLE) AS satisfaction_points,
        CAST(CASE WHEN revisits_due = 0 THEN 15.0
             ELSE 15.0 * least(revisits_done / revisits_due, 1.0) END AS DOUBLE) AS revisit_points,
        CAST(greatest(15.0 - 5.0 * complaints, 0.0) AS DOUBLE) AS complaint_points,
        CAST(least(CASE WHEN best_exam >= 80 THEN 6.0 ELSE 0.0 END + 2.0 * cases_shared, 10.0)
            AS DOUBLE) AS learning_points,
        CAST(CASE WHEN daily_reports = 0 THEN 0.0
             ELSE least(greatest(8.0 - perfunctory + constructive, 0.0), 10.0) END
            AS DOUBLE) AS daily_points
    FROM measures
)
SELECT
    *,
    100e0 * (tech_points + coalesce(satisfaction_points, 0.0) + revisit_points
             + complaint_points + learning_points + daily_points)
        / (CASE WHEN satisfaction_points IS NULL THEN 85e0 ELSE 100e0 END) AS total
FROM points
ORDER BY employee_id
"""


def score_with_duckdb(facts: Path, first_day: date, last_day: date) -> list[Scorecard]:
    import duckdb

    connection = duckdb.connect()
    result = connection.execute(
        MEASURES_AND_POINTS,
        {"facts": str(facts), "first_day": first_day, "last_day": last_day},
    )
    columns = [column[0] for column in result.description]
    scorecards = [_scorecard(dict(zip(columns, row, strict=True))) for row in result.fetchall()]
    assign_ranks(scorecards)
    return scorecards


def _scorecard(row: dict[str, Any]) -> Scorecard:
    satisfaction_scored = row["satisfaction_points"] is not None
    indicators = [
        indicator(
            "tech_resolution", row["unresolved"], row["tech_points"], "scored",
            f"{row['unresolved']} customers with unresolved technical issues",
        ),
        indicator(
            "customer_satisfaction", row["satisfaction"], row["satisfaction_points"],
            "scored" if satisfaction_scored else "missing",
            f"mean of {row['responses']} survey responses" if satisfaction_scored
            else "no survey responses",
        ),
        indicator(
            "revisit_completion",
            row["revisits_done"] / row["revisits_due"] if row["revisits_due"] else None,
            row["revisit_points"], "scored",
            f"{row['revisits_done']} done of {row['revisits_due']} due" if row["revisits_due"]
            else "no revisits due",
        ),
        indicator(
            "complaints", row["complaints"], row["complaint_points"], "scored",
            f"{row['complaints']} complaints",
        ),
        indicator(
            "learning_growth", row["best_exam"], row["learning_points"], "scored",
            f"best exam {row['best_exam']}, {row['cases_shared']} cases shared"
            if row["best_exam"] is not None else "no exam taken",
        ),
        indicator(
            "daily_report", row["daily_reports"], row["daily_points"], "scored",
            f"{row['perfunctory']} perfunctory, {row['constructive']} constructive"
            if row["daily_reports"] else "no daily reports",
        ),
    ]
    return {
        "employee_id": row["employee_id"],
        "total": row["total"],
        "grade": grade_for(row["total"]),
        "rank": 0,
        "indicators": indicators,
    }
