"""Forward-looking indicators: win probability of open opportunities (product.md §9).

`opportunities` reads and checks an opportunity table and splits it as of a date;
`features` types feature columns by the §9 rules and builds features as of any date
from stage snapshots; `winmodel` trains, validates, calibrates and explains the model
and writes its card. No Django: the web app, the task and `kpilib predict` call these.
"""
