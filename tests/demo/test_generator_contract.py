"""The demo files keep the public contracts: columns, ids, references, determinism."""

import filecmp

import polars as pl

from kpilib.demo.generator import generate_demo, write_demo
from tests.demo.conftest import SMALL_ENGINEERS, SMALL_MONTHS, WrittenDemo

# product.md §6 `kpilib import employees` and §5 activity facts, spelled out on purpose.
EMPLOYEE_COLUMNS = [
    "employee_id", "name", "email", "org_unit", "position", "manager_id", "region", "hire_date",
]
FACT_COLUMNS = [
    "employee_id", "metric", "occurred_on", "value",
    "customer_id", "project_id", "source", "external_id",
]
# Extra columns are kept as attributes (§5): a deal-team member's role, a customer's industry.
ATTRIBUTE_COLUMNS = ["role", "industry"]
PLAN_METRICS = {
    "unresolved_customer", "satisfaction_score", "revisit_due", "revisit_done",
    "complaint", "training_exam", "case_shared", "daily_report",
}
EXTRA_METRICS = {
    "opportunity_won", "opportunity_lost", "poc_success", "poc_failed",
    "demo_held", "rfp_answered",
}


def test_same_arguments_write_byte_identical_files(tmp_path) -> None:
    # given two runs with the same arguments
    arguments = {"engineers": 40, "months": 3, "seed": 11, "start": "2025-11"}
    first, second = tmp_path / "first", tmp_path / "second"
    # when both are written
    write_demo(generate_demo(**arguments), first)
    write_demo(generate_demo(**arguments), second)
    # then every file is identical byte for byte
    names = ["org_units.csv", "employees.csv", "facts.csv"]
    matching, mismatching, errors = filecmp.cmpfiles(first, second, names, shallow=False)
    assert (matching, mismatching, errors) == (names, [], [])


def test_another_seed_gives_other_people_and_facts(tmp_path) -> None:
    # given two runs that differ only in the seed
    arguments = {"engineers": 40, "months": 3, "start": "2025-11"}
    # when both are generated
    first = generate_demo(seed=1, **arguments)
    second = generate_demo(seed=2, **arguments)
    # then names and facts differ
    assert first.employees["name"].to_list() != second.employees["name"].to_list()
    assert not first.facts.collect().equals(second.facts.collect())


def test_files_have_exactly_the_contract_columns(small_demo: WrittenDemo) -> None:
    # given the written files (read back in the fixture)
    # then their headers are the public contracts
    assert small_demo.employees.columns == EMPLOYEE_COLUMNS
    assert small_demo.facts.columns == FACT_COLUMNS + ATTRIBUTE_COLUMNS
    assert small_demo.org_units.columns == ["name", "parent", "kind"]


def test_files_are_plain_utf8_without_byte_order_mark(small_demo: WrittenDemo) -> None:
    # given the raw bytes of the employees file
    raw = (small_demo.folder / "employees.csv").read_bytes()
    # then it starts with the header and decodes as UTF-8 Chinese text
    assert raw.startswith(b"employee_id,")
    assert "售前工程师" in raw.decode("utf-8")


def test_head_count_is_staff_plus_one_manager_per_team_plus_director(
    small_demo: WrittenDemo,
) -> None:
    # given the employees and the teams
    positions = small_demo.employees["position"].value_counts().rows()
    team_count = small_demo.org_units.filter(pl.col("kind") == "team").height
    counts = dict(positions)
    # then staff add up to the requested number, with one manager per team and one director
    assert counts["售前工程师"] + counts["解决方案架构师"] == SMALL_ENGINEERS
    assert counts["售前经理"] == team_count
    assert counts["售前总监"] == 1


def test_every_manager_id_names_an_employee(small_demo: WrittenDemo) -> None:
    # given the employees
    employees = small_demo.employees
    ids = set(employees["employee_id"])
    # when their managers are looked up
    managers = employees["manager_id"].drop_nulls()
    # then each exists, and only the director has none
    assert set(managers) <= ids
    assert employees.filter(pl.col("manager_id").is_null())["position"].to_list() == ["售前总监"]


def test_staff_report_to_the_manager_of_their_own_team(small_demo: WrittenDemo) -> None:
    # given each team's manager
    employees = small_demo.employees
    managers = employees.filter(pl.col("position") == "售前经理").select(
        team="org_unit", team_manager="employee_id"
    )
    # when staff are matched to their team's manager
    staff = employees.filter(pl.col("position").is_in(["售前工程师", "解决方案架构师"]))
    matched = staff.join(managers, left_on="org_unit", right_on="team")
    # then everyone's manager_id is that manager
    assert matched.height == staff.height
    assert (matched["manager_id"] == matched["team_manager"]).all()


def test_some_managers_come_later_in_the_file_than_their_reports(
    small_demo: WrittenDemo,
) -> None:
    # given the row number of every employee (ids follow hiring order)
    employees = small_demo.employees.with_row_index("row")
    rows = employees.select(manager_id="employee_id", manager_row="row")
    # when reports are compared with their managers' rows
    late = employees.join(rows, on="manager_id").filter(pl.col("manager_row") > pl.col("row"))
    # then the importer meets forward references, as in a real HR export
    assert late.height > 0


def test_org_units_form_one_tree_naming_every_employees_unit(small_demo: WrittenDemo) -> None:
    # given the org units
    units = small_demo.org_units
    names = set(units["name"])
    # then names are unique, every parent exists, there is one company at the root
    assert units["name"].n_unique() == units.height
    assert set(units["parent"].drop_nulls()) <= names
    assert units.filter(pl.col("parent").is_null())["kind"].to_list() == ["company"]
    assert set(units["kind"]) == {"company", "region", "team"}
    # and every employee's org_unit and region is one of them
    assert set(small_demo.employees["org_unit"]) <= names
    assert set(small_demo.employees["region"]) <= names


def test_employee_ids_and_emails_are_unique(small_demo: WrittenDemo) -> None:
    # given the employees
    employees = small_demo.employees
    # then ids and e-mail addresses identify one person each
    assert employees["employee_id"].n_unique() == employees.height
    assert employees["email"].n_unique() == employees.height
    assert employees["employee_id"].str.contains(r"^E\d{4,}$").all()
    assert employees["email"].str.contains(r"^[a-z]+\.[a-z]+\d*@cloudstart\.example$").all()


def test_every_fact_belongs_to_a_known_employee(small_demo: WrittenDemo) -> None:
    # given the facts and the employees
    # then every fact's employee is in the employees file
    assert set(small_demo.facts["employee_id"]) <= set(small_demo.employees["employee_id"])


def test_external_ids_are_unique_and_name_their_source(small_demo: WrittenDemo) -> None:
    # given the facts
    facts = small_demo.facts
    # then each external id appears once and starts with the fact's source
    assert facts["external_id"].n_unique() == facts.height
    assert facts.select(
        pl.col("external_id").str.starts_with(pl.col("source") + "-").all()
    ).item()


def test_facts_cover_the_plan_metrics_and_the_extra_ones(small_demo: WrittenDemo) -> None:
    # given the facts
    metrics = set(small_demo.facts["metric"])
    # then the six indicators of the default plan and the later ones have data
    assert metrics >= PLAN_METRICS | EXTRA_METRICS
    assert set(small_demo.facts["source"]) == {
        "crm", "survey", "ticket", "pm", "lms", "app", "delivery", "win_model",
    }


def test_fact_dates_are_iso_and_inside_the_window(small_demo: WrittenDemo) -> None:
    # given the facts' dates as written
    dates = small_demo.facts["occurred_on"]
    # then they are ISO dates within the twelve requested months
    assert dates.str.contains(r"^\d{4}-\d{2}-\d{2}$").all()
    assert dates.min() >= "2025-01-01"
    assert dates.max() <= "2025-12-31"
    assert dates.str.slice(0, 7).n_unique() == SMALL_MONTHS


def test_values_are_in_range_for_each_metric(small_demo: WrittenDemo) -> None:
    # given the values per metric
    facts = small_demo.facts.with_columns(number=pl.col("value").cast(pl.Float64))

    def values(metric: str) -> pl.Series:
        return facts.filter(pl.col("metric") == metric)["number"]

    # then scores are 0–100, daily reports −1/0/+1, RFP hours positive, counts empty
    assert values("satisfaction_score").is_between(0, 100).all()
    assert values("training_exam").is_between(0, 100).all()
    assert set(values("daily_report")) == {-1.0, 0.0, 1.0}
    assert (values("rfp_answered") > 0).all()
    assert values("complaint").is_null().all()
    assert values("unresolved_customer").is_null().all()


def test_customer_facts_carry_a_customer_id(small_demo: WrittenDemo) -> None:
    # given the facts that the plan counts by customer or that name a project
    facts = small_demo.facts
    unresolved = facts.filter(pl.col("metric") == "unresolved_customer")
    daily = facts.filter(pl.col("metric") == "daily_report")
    # then unresolved issues name their customer and daily reports name none
    assert unresolved["customer_id"].str.contains(r"^C\d+$").all()
    assert daily["customer_id"].is_null().all()
