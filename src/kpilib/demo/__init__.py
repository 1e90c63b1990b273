"""Demo data: a deterministic, realistic presales organisation and its activity facts.

`kpilib.demo.generator` is the entry point; it needs NumPy and Polars but no Django.
"""
