from odoo import fields, models


class CreditReleaseRequest(models.TransientModel):
    _name = "credit.release.request"
    _description = "Credit Release Request"

    order_id = fields.Many2one("sale.order", required=True, readonly=True)
    credit_hold_message = fields.Text(related="order_id.credit_hold_message")
    reason = fields.Text(
        required=True,
        help="What finance needs to decide: the customer's situation, the stakes of the order, a payment announced...",
    )

    def action_request(self):
        self.ensure_one()
        self.order_id._credit_request_release(self.reason)
        return {"type": "ir.actions.act_window_close"}
