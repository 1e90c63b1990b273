"""The positions every organisation starts with (presales, and since issue 17 the delivery
and customer-success roles that share indicators with presales) (code, Chinese name, English name).

Used by the data migration that seeds them and by the demo loader, which makes sure they
exist before it imports people.
"""

STANDARD_POSITIONS = (
    ("presales-engineer", "售前工程师", "Presales engineer"),
    ("solution-architect", "解决方案架构师", "Solution architect"),
    ("presales-manager", "售前经理", "Presales manager"),
    ("presales-director", "售前总监", "Presales director"),
    ("delivery-engineer", "交付工程师", "Delivery engineer"),
    ("customer-success-manager", "客户成功经理", "Customer success manager"),
)
