from odoo import _, fields, models
from odoo.tools import format_amount


class CreditReleaseRequest(models.TransientModel):
    _name = "credit.release.request"
    _description = "Credit Release Request"

    order_id = fields.Many2one("sale.order", required=True, readonly=True)
    order_state = fields.Selection(related="order_id.state")
    currency_id = fields.Many2one(related="order_id.currency_id")
    order_amount = fields.Monetary(related="order_id.amount_total", string="Current Total")
    credit_hold_message = fields.Text(related="order_id.credit_hold_message")
    requested_amount = fields.Monetary(
        string="New Total",
        help="For a confirmed order: its total with the increase that the credit check holds.",
    )
    reason = fields.Text(
        required=True,
        help="What finance needs to decide: the customer's situation, the stakes of the order, a payment announced...",
    )

    def action_request(self):
        self.ensure_one()
        order = self.order_id
        order._credit_request_release(self.reason, self.requested_amount)
        return self._notify_requested(order)

    def _notify_requested(self, order):
        """Tell the salesperson the request left, and reload the order behind the dialog (opened
        from a form button or from the blocking dialog, which does not reload it on close)."""
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": _("Release requested"),
                "message": _(
                    "%(order)s (%(amount)s) is with %(finance)s: you will be told of the decision.",
                    order=order.name,
                    amount=format_amount(self.env, order.credit_release_requested_amount, order.currency_id),
                    finance=order._credit_finance_label(),
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
