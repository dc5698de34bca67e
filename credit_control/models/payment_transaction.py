from odoo import models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _check_amount_and_confirm_order(self):
        """Online payment: a partly prepaid quotation that the gate holds stays a quotation
        with its payment, and the salesperson and finance are told, instead of the payment's
        processing failing."""
        quotations = self.sale_order_ids.filtered(lambda so: so.state in ("draft", "sent"))
        evaluation = quotations._credit_evaluate() if quotations else {}
        held = quotations.filtered(lambda so: evaluation[so.id]["blocking"])
        for order in held:
            order._credit_notify_hold(evaluation[order.id])
        return super(PaymentTransaction, self - held.transaction_ids)._check_amount_and_confirm_order()
