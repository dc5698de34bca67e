from datetime import date, timedelta

from odoo import api, fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    in_dispute = fields.Boolean(
        copy=False,
        tracking=True,
        index="btree_not_null",
        help="The customer disputes this invoice: its dunning is paused until the dispute is "
        "closed. Set by the dispute register, or by hand.",
    )
    dunning_stage_id = fields.Many2one(
        "credit.dunning.stage",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Last dunning stage this invoice reached.",
    )
    dunning_hold_until = fields.Date(
        string="Promised Payment Date",
        copy=False,
        help="The customer promised to pay by this date: dunning waits until then.",
    )
    dunning_action_ids = fields.Many2many(
        "credit.dunning.action",
        "credit_dunning_action_move_rel",
        "move_id",
        "action_id",
        string="Dunning History",
        copy=False,
        readonly=True,
    )

    dunning_next_stage_id = fields.Many2one(
        "credit.dunning.stage",
        string="Next Dunning Stage",
        compute="_compute_dunning_next_step",
        help="What dunning will do next on this invoice if it stays unpaid.",
    )
    dunning_next_date = fields.Date(string="Next Dunning Date", compute="_compute_dunning_next_step")

    @api.depends(
        "state",
        "payment_state",
        "in_dispute",
        "invoice_date_due",
        "dunning_stage_id",
        "dunning_hold_until",
        "commercial_partner_id",
    )
    def _compute_dunning_next_step(self):
        """The next stage of the customer's policy after the one reached, on its offset from
        the due date, or later if the customer promised to pay by then."""
        default_policies = {}
        for move in self:
            move.dunning_next_stage_id = move.dunning_next_date = False
            if not (
                move.move_type == "out_invoice"
                and move.state == "posted"
                and move.payment_state in ("not_paid", "partial")
                and not move.in_dispute
                and move.invoice_date_due
            ):
                continue
            company = move.company_id
            if company not in default_policies:
                default_policies[company] = self.env["credit.dunning.policy"].sudo()._get_company_default(company)
            policy = move.commercial_partner_id.with_company(company).sudo().credit_dunning_policy_id
            stages = (policy or default_policies[company]).stage_ids
            reached = move.dunning_stage_id
            stage = stages.filtered(lambda s, reached=reached: not reached or s.offset_days > reached.offset_days)[:1]
            if stage:
                due_date = move.invoice_date_due + timedelta(days=stage.offset_days)
                move.dunning_next_stage_id = stage
                move.dunning_next_date = max(due_date, move.dunning_hold_until or date.min)

    def _dunning_open_dispute(self, action):
        """Hook of the 'dispute' outcome of a dunning contact; dispute_tracking extends it to
        open a dispute. Here, the invoices are flagged and dunning skips them."""
        self.sudo().write({"in_dispute": True})
        return True
