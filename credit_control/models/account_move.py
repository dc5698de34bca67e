from odoo import fields, models


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

    def _dunning_open_dispute(self, action):
        """Hook of the 'dispute' outcome of a dunning contact; dispute_tracking extends it to
        open a dispute. Here, the invoices are flagged and dunning skips them."""
        self.sudo().write({"in_dispute": True})
        return True
