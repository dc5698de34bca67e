from odoo import Command
from odoo.tests import tagged

from .common import CreditControlCommon


@tagged("post_install", "-at_install")
class TestCreditOnlinePayment(CreditControlCommon):
    """E-commerce and portal payments: paid in full is cash in advance; a held order that is
    only partly prepaid stays a quotation with its payment, and people are told."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        method = cls.env.ref("payment.payment_method_unknown")
        cls.provider = cls.env["payment.provider"].create(
            {
                "name": "Test Provider",
                "code": "none",
                "state": "test",
                "payment_method_ids": [Command.set(method.ids)],
                "available_currency_ids": [Command.set(cls.company.currency_id.ids)],
            }
        )
        method.active = True
        cls._create_invoice(900.0)
        cls.order = cls._create_order(500.0)

    def _pay(self, amount):
        transaction = self.env["payment.transaction"].create(
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.provider.payment_method_ids.id,
                "amount": amount,
                "currency_id": self.order.currency_id.id,
                "partner_id": self.customer.id,
                "reference": f"{self.order.name}-{amount}",
                "operation": "online_direct",
                "sale_order_ids": [Command.set(self.order.ids)],
            }
        )
        transaction._set_done()
        return transaction._check_amount_and_confirm_order()

    def test_order_paid_in_full_online_passes(self):
        confirmed = self._pay(500.0)
        self.assertEqual(confirmed, self.order)
        self.assertEqual(self.order.state, "sale")

    def test_partly_prepaid_held_order_stays_a_quotation(self):
        self.order.write({"require_payment": True, "prepayment_percent": 0.5})
        confirmed = self._pay(250.0)
        self.assertFalse(confirmed)
        self.assertEqual(self.order.state, "draft")
        self.assertEqual(self.order.amount_paid, 250.0)
        notice = self.order.message_ids.filtered(lambda m: "on hold and was not confirmed" in (m.body or ""))
        self.assertIn(self.finance.partner_id, notice.notified_partner_ids)
