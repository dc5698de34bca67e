from odoo import fields, models


class DisputeReason(models.Model):
    """Why a customer disputes an invoice; each reason is a routing rule: the department in
    charge and the days it has to solve the dispute."""

    _name = "dispute.reason"
    _description = "Dispute Reason"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, help="Leave empty to share the reason.")
    department_id = fields.Many2one(
        "dispute.department",
        string="Routed To",
        ondelete="restrict",
        help="Department that receives the disputes of this reason.",
    )
    deadline_days = fields.Integer(
        string="Days to Solve", default=15, help="The dispute's deadline is this many days after it is opened."
    )
    description = fields.Text(translate=True)

    _sql_constraints = [
        ("deadline_days_positive", "CHECK(deadline_days >= 0)", "The days to solve a dispute cannot be negative."),
    ]
