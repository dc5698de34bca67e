from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .credit_payment_behaviour import GRADES, PROPOSALS
from .res_partner import ACCOUNTING_READERS


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    credit_payment_behaviour_ids = fields.One2many(
        "credit.payment.behaviour", "partner_id", string="Payment Behaviour", readonly=True, groups=ACCOUNTING_READERS
    )
    # Salespeople see the grade; the figures behind it are finance's and the accountants'.
    credit_grade = fields.Selection(
        GRADES,
        string="Payment Grade",
        compute="_compute_credit_payment_behaviour",
        help="How the customer pays this company, from A (on time) to E (repeatedly late); "
        "computed every night from its paid invoices.",
    )
    credit_proposal = fields.Selection(
        PROPOSALS, string="Proposal", compute="_compute_credit_payment_behaviour", groups=ACCOUNTING_READERS
    )
    credit_proposed_limit = fields.Monetary(
        string="Proposed Limit",
        currency_field="credit_currency_id",
        compute="_compute_credit_payment_behaviour",
        groups=ACCOUNTING_READERS,
    )
    credit_proposal_reason = fields.Char(
        string="Proposal Reason", compute="_compute_credit_payment_behaviour", groups=ACCOUNTING_READERS
    )

    def _get_credit_payment_behaviour(self):
        """{commercial partner id: its behaviour row in the current company}."""
        rows = (
            self.env["credit.payment.behaviour"]
            .sudo()
            .search(
                [("partner_id", "in", self.commercial_partner_id._origin.ids), ("company_id", "=", self.env.company.id)]
            )
        )
        return {row.partner_id.id: row for row in rows}

    @api.depends_context("company")
    def _compute_credit_payment_behaviour(self):
        rows = self._get_credit_payment_behaviour()
        empty = self.env["credit.payment.behaviour"].sudo()
        for partner in self:
            row = rows.get(partner.commercial_partner_id._origin.id, empty)
            partner.credit_grade = row.grade
            partner.credit_proposal = row.proposal
            partner.credit_proposed_limit = row.proposed_limit
            partner.credit_proposal_reason = row.proposal_reason if row else False

    def action_apply_credit_proposal(self):
        self.ensure_one()
        row = self._get_credit_payment_behaviour().get(self.commercial_partner_id.id)
        if not row:
            raise UserError(_("%(customer)s has no payment behaviour in this company yet.", customer=self.display_name))
        return row.with_env(self.env).action_apply_proposal()
