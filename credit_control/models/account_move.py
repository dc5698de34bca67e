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
    dunning_stage_date = fields.Date(
        string="Dunning Stage Reached On",
        copy=False,
        readonly=True,
        help="When the invoice reached its last dunning stage: the next one comes a day later at the soonest.",
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
        "dunning_stage_date",
        "dunning_hold_until",
        "commercial_partner_id",
    )
    def _compute_dunning_next_step(self):
        """The next stage of the customer's policy after the one reached, on its offset from
        the due date, or later if the customer promised to pay by then: read from the
        coming dunning steps, where that rule is written."""
        steps = self.env["credit.dunning.forecast"].sudo()._next_steps(self._origin.filtered("id"))
        for move in self:
            move.dunning_next_stage_id, move.dunning_next_date = steps.get(move._origin.id, (False, False))

    def _dunning_open_dispute(self, action):
        """Hook of the 'dispute' outcome of a dunning contact; dispute_tracking extends it to
        open a dispute. Here, the invoices are flagged and dunning skips them."""
        self.sudo().write({"in_dispute": True})
        return True
