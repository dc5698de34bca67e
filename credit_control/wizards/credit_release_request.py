from odoo import fields, models


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
        self.order_id._credit_request_release(self.reason, self.requested_amount)
        return {"type": "ir.actions.act_window_close"}
