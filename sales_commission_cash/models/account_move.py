from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare


class AccountMove(models.Model):
    _inherit = "account.move"

    commission_split_ids = fields.One2many(
        "commission.split",
        "move_id",
        copy=False,  # copied by copy() below, whoever copies the invoice
        help="Salespeople sharing the commission on this invoice, in percent; empty: all of it goes to the "
        "salesperson. A change applies to the payments collected afterwards.",
    )

    @api.constrains("commission_split_ids")
    def _check_commission_split_total(self):
        """Also checked by the split lines themselves, whoever writes them; the totals are
        read from the database, where every line written so far is."""
        totals = (
            self.env["commission.split"].sudo()._read_group([("move_id", "in", self.ids)], ["move_id"], ["share:sum"])
        )
        for move, total in totals:
            if float_compare(total, 100.0, precision_digits=2):
                raise ValidationError(
                    self.env._("The commission split of %(invoice)s must total 100 %%.", invoice=move.display_name)
                )

    def copy(self, default=None):
        """A credit note reversing the invoice (Odoo's reversal copies it) takes back the
        commission in the same shares, and a duplicate keeps them: the split follows the
        invoice, also when the user copying it may not write splits (an accountant)."""
        new_moves = super().copy(default)
        if "commission_split_ids" not in (default or {}):
            for move, new_move in zip(self.sudo(), new_moves.sudo(), strict=True):
                if move.commission_split_ids:
                    new_move.commission_split_ids = [
                        Command.create({"user_id": split.user_id.id, "share": split.share})
                        for split in move.commission_split_ids
                    ]
        return new_moves

    @api.ondelete(at_uninstall=False)
    def _unlink_except_commission_lines(self):
        """The commission lines of an invoice are the audit trail of what was earned and paid
        (a settled line, or an earning and its clawback): the invoice stays."""
        with_lines = self.env["commission.line"].sudo().search([("move_id", "in", self.ids)], limit=1).move_id
        if with_lines:
            raise UserError(
                self.env._(
                    "%(invoice)s cannot be deleted: salespeople earned commission on its payments, and its "
                    "commission lines (earnings, clawbacks, settlements) are kept as the audit trail. "
                    "Cancel it instead.",
                    invoice=with_lines.display_name,
                )
            )
