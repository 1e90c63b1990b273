"""The presales positions every organisation starts with (code, Chinese name, English name).

Used by the data migration that seeds them and by the demo loader, which makes sure they
exist before it imports people.
"""

STANDARD_POSITIONS = (
    ("presales-engineer", "售前工程师", "Presales engineer"),
    ("solution-architect", "解决方案架构师", "Solution architect"),
    ("presales-manager", "售前经理", "Presales manager"),
    ("presales-director", "售前总监", "Presales director"),
)
