from odoo import api, fields, models

ORDER_CHANNELS = [
    ("backoffice", "Back Office"),
    ("portal", "Portal"),
    ("website", "E-commerce"),
    ("import", "Import"),
]


# Kept apart from the credit gate's sale.order: the lead times only record dates.
class SaleOrder(models.Model):
    """What the order-to-cash lead times read and Odoo does not keep: when the quotation was
    first sent, and the channel the order came from."""

    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    quotation_sent_date = fields.Datetime(
        string="Quotation Sent On",
        readonly=True,
        copy=False,
        help="When the quotation was first sent to the customer: the start of the order-to-cash lead times.",
    )
    order_channel = fields.Selection(
        ORDER_CHANNELS,
        string="Channel",
        readonly=True,
        copy=False,
        help="Where the order came from: back office, customer portal, e-commerce or an import.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals.setdefault("order_channel", self._default_order_channel(vals))
        return super().create(vals_list)

    @api.model
    def _default_order_channel(self, vals):
        if self.env.context.get("import_file"):
            return "import"
        if vals.get("website_id"):
            return "website"
        if self.env.user.share:
            return "portal"
        return "backoffice"

    def write(self, vals):
        if vals.get("state") == "sent" and "quotation_sent_date" not in vals:
            unsent = self.filtered(lambda order: not order.quotation_sent_date)
            if unsent:
                unsent.write({"quotation_sent_date": fields.Datetime.now()})
        return super().write(vals)
