"""kpilib: the presales performance KPI library and appraisal platform (售前绩效考核指标库)."""

__version__ = "0.1.0"
