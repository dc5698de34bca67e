from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare


class AccountMove(models.Model):
    _inherit = "account.move"

    commission_split_ids = fields.One2many(
        "commission.split",
        "move_id",
        copy=True,  # a credit note reversing the invoice takes back the commission in the same shares
        help="Salespeople sharing the commission on this invoice, in percent; empty: all of it goes to the "
        "salesperson. A change applies to the payments collected afterwards.",
    )

    @api.constrains("commission_split_ids")
    def _check_commission_split_total(self):
        for move in self.filtered("commission_split_ids"):
            if float_compare(sum(move.commission_split_ids.mapped("share")), 100.0, precision_digits=2):
                raise ValidationError(
                    self.env._("The commission split of %(invoice)s must total 100 %%.", invoice=move.display_name)
                )
