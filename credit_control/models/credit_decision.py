from odoo import fields, models

CREDIT_DECISIONS = [
    ("release", "Order Released"),
    ("limit_temporary", "Temporary Limit"),
    ("limit_permanent", "Limit Changed"),
    ("prepayment", "Prepayment Requested"),
    ("refuse", "Release Refused"),
    ("cash_in_advance", "Put on Cash in Advance"),
    ("cash_in_advance_lifted", "Cash in Advance Lifted"),
    ("limit_expired", "Temporary Limit Expired"),
    ("application_granted", "Credit Application Granted"),
    ("application_refused", "Credit Application Refused"),
]


class CreditDecision(models.Model):
    """What finance decided on a customer's credit, kept for good: who, when, why, amounts."""

    _name = "credit.decision"
    _description = "Credit Decision"
    _order = "date desc, id desc"
    _rec_name = "decision"

    date = fields.Datetime(default=fields.Datetime.now, required=True, readonly=True)
    user_id = fields.Many2one("res.users", string="Decided By", default=lambda self: self.env.user, required=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    order_id = fields.Many2one("sale.order", index="btree_not_null", ondelete="set null")
    decision = fields.Selection(CREDIT_DECISIONS, required=True)
    reason = fields.Text(required=True)
    exposure = fields.Monetary(help="Customer exposure when the decision was taken.")
    limit_before = fields.Monetary()
    limit_after = fields.Monetary()
    limit_end_date = fields.Date(string="Temporary Until")
    released_amount = fields.Monetary(string="Released Up To")
    request_date = fields.Datetime(
        string="Requested On", readonly=True, help="When the release request this decision answered was made."
    )
    application_id = fields.Many2one("credit.application", index="btree_not_null", ondelete="set null")
