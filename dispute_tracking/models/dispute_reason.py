from odoo import api, fields, models
from odoo.exceptions import ValidationError

RECURRENCE_PERIODS = [("month", "Month"), ("quarter", "Quarter")]
RECURRENCE_KEYS = [("salesperson", "Salesperson"), ("product", "Product")]
RECURRENCE_HELP = {
    "tracking": "Disputes of the same reason and department, and the same salesperson or product, that reach the "
    "threshold in a period give the department's manager a corrective action to record.",
    "threshold": "Number of disputes of the same cause in one period that calls for a corrective action.",
    "period": "Disputes are counted per calendar month or quarter of their opening.",
    "group_by": "Disputes have the same cause when they have the same reason, department and this.",
}


def check_recurrence_threshold(records):
    """A threshold of zero or less would raise a corrective action for every dispute."""
    for record in records:
        if record.recurrence_threshold <= 0:
            raise ValidationError(
                records.env._(
                    "%(name)s: the recurrence threshold must be at least 1 dispute (it is %(threshold)s); "
                    "switch off the tracking of recurring causes instead.",
                    name=record.display_name,
                    threshold=record.recurrence_threshold,
                )
            )


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
    order_entry_error = fields.Boolean(
        string="Order-Entry Error",
        help="Disputes of this reason come from a mistake made when the order was taken (price, address, payment "
        "terms, purchase-order number...).",
    )
    recurrence_tracking = fields.Boolean(
        string="Track Recurring Causes",
        help=RECURRENCE_HELP["tracking"] + " When off, the department's setting applies.",
    )
    recurrence_threshold = fields.Integer(default=3, help=RECURRENCE_HELP["threshold"])
    recurrence_period = fields.Selection(
        RECURRENCE_PERIODS, default="month", required=True, help=RECURRENCE_HELP["period"]
    )
    recurrence_group_by = fields.Selection(
        RECURRENCE_KEYS, string="Same Cause For", default="salesperson", required=True, help=RECURRENCE_HELP["group_by"]
    )

    _sql_constraints = [
        ("deadline_days_positive", "CHECK(deadline_days >= 0)", "The days to solve a dispute cannot be negative."),
    ]

    @api.constrains("recurrence_threshold")
    def _check_recurrence_threshold(self):
        check_recurrence_threshold(self)
