"""`kpilib demo-data`: write a deterministic demo organisation and its activity facts as CSV.

The generator (NumPy, Polars) is imported inside the command so that `kpilib` starts fast.
"""

from pathlib import Path
from typing import Annotated

import typer


def demo_data(
    engineers: Annotated[
        int, typer.Option(min=1, help="Presales engineers and solution architects (managers extra).")
    ] = 60,
    months: Annotated[int, typer.Option(min=1, help="Number of months of activity.")] = 12,
    seed: Annotated[int, typer.Option(min=0, help="Random seed; same arguments, same files.")] = 42,
    start: Annotated[
        str | None,
        typer.Option(help="First month, YYYY-MM. Default: the months ending last month."),
    ] = None,
    output_dir: Annotated[
        Path, typer.Option(help="Folder for org_units.csv, employees.csv and facts.csv.")
    ] = Path("demo-data"),
) -> None:
    """Write a realistic presales organisation and its activity facts (UTF-8 CSV)."""
    from kpilib import clock
    from kpilib.demo.generator import default_start_month, generate_demo, parse_month, write_demo

    if start is None:
        start = default_start_month(months, clock.today())
    try:
        parse_month(start)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--start") from error
    dataset = generate_demo(engineers=engineers, months=months, seed=seed, start=start)
    files = write_demo(dataset, output_dir)
    spike = dataset.complaint_spike
    typer.echo(f"{dataset.first_month}..{dataset.last_month}, seed {seed}:")
    typer.echo(f"  {files['org_units']}: {dataset.org_units.height} org units")
    typer.echo(f"  {files['employees']}: {dataset.employees.height} employees")
    typer.echo(f"  {files['facts']}: {dataset.fact_count} facts")
    typer.echo(f"  complaint spike: {spike.region}, {', '.join(spike.months)}")
