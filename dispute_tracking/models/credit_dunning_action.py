from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CreditDunningAction(models.Model):
    _inherit = "credit.dunning.action"

    dispute_reason_id = fields.Many2one(
        "dispute.reason",
        domain="[('company_id', 'in', (False, company_id))]",
        help="Outcome 'Dispute': why the customer disputes; it routes the dispute to the department that solves it.",
    )

    open_dispute_ids = fields.Many2many("dispute.dispute", string="Open Disputes", compute="_compute_open_dispute_ids")

    @api.depends("partner_id", "company_id")
    def _compute_open_dispute_ids(self):
        Dispute = self.env["dispute.dispute"]
        for action in self:
            disputes = Dispute.search(
                [
                    ("partner_id", "=", action.partner_id.id),
                    ("company_id", "=", action.company_id.id),
                    ("is_open", "=", True),
                ]
            )
            action.open_dispute_ids = disputes

    @api.onchange("outcome")
    def _onchange_outcome_dispute_reason(self):
        if self.outcome == "dispute" and not self.dispute_reason_id:
            self.dispute_reason_id = self.env["account.move"]._default_dispute_reason()

    def _check_outcome(self):
        res = super()._check_outcome()
        reason = self.dispute_reason_id
        if self.outcome == "dispute" and reason:
            if not reason.active or (reason.company_id and reason.company_id != self.company_id):
                raise UserError(
                    _(
                        "The dispute reason %(reason)s cannot be used for %(company)s: choose an active reason "
                        "of the company or a shared one.",
                        reason=reason.display_name,
                        company=self.company_id.name,
                    )
                )
        return res
