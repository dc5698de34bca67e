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
