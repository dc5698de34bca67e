import logging

from odoo import Command
from odoo.tests import tagged

from odoo.addons.credit_control.tests.common import CreditControlCommon


@tagged("post_install", "-at_install")
class TestEcommerceHold(CreditControlCommon):
    """A shop order paid online goes through the intake rules and the credit check like any
    other: held, it stays unconfirmed with its payment, and people are told."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.website = cls.env["website"].search([("company_id", "=", cls.company.id)], limit=1) or cls.env[
            "website"
        ].create({"name": "Shop", "company_id": cls.company.id})
        method = cls.env.ref("payment.payment_method_unknown")
        cls.provider = cls.env["payment.provider"].create(
            {
                "name": "Shop Provider",
                "code": "none",
                "state": "test",
                "company_id": cls.company.id,
                "payment_method_ids": [Command.set(method.ids)],
                "available_currency_ids": [Command.set(cls.company.currency_id.ids)],
            }
        )
        method.active = True
        # The payment the post-processing books goes to a bank journal, by a method line of the provider.
        bank = cls.company_data["default_journal_bank"]
        cls.provider.journal_id = bank
        cls.env["account.payment.method.line"].create(
            {
                "journal_id": bank.id,
                "payment_provider_id": cls.provider.id,
                "payment_method_id": cls.env.ref("account.account_payment_method_manual_in").id,
                "name": "Shop Provider",
            }
        )
        cls.customer.credit_require_client_ref = True

    def _shop_order(self, amount):
        order = self._create_order(amount, website_id=self.website.id)
        order.action_quotation_sent()
        return order

    def _pay(self, order, amount):
        transaction = self.env["payment.transaction"].create(
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.provider.payment_method_ids.id,
                "amount": amount,
                "currency_id": order.currency_id.id,
                "partner_id": self.customer.id,
                "reference": f"{order.name}-{amount}",
                "operation": "online_direct",
                "sale_order_ids": [Command.set(order.ids)],
            }
        )
        transaction._set_done()
        return transaction

    def test_paid_shop_order_missing_its_po_number_stays_unconfirmed(self):
        order = self._shop_order(300.0)
        transaction = self._pay(order, 300.0)
        with self.assertNoLogs(level=logging.ERROR):
            transaction._post_process()
        self.assertEqual(order.state, "sent")
        self.assertEqual(order.amount_paid, 300.0)
        self.assertTrue(order.credit_customer_held)
        self.assertEqual(order.credit_intake_failed_rule_ids.mapped("check"), ["client_ref"])
        todo_type = self.env.ref("credit_control.mail_activity_credit_order_held")
        todo = order.activity_ids.filtered(lambda a: a.activity_type_id == todo_type)
        self.assertEqual(todo.user_id, self.salesman)
        self.assertIn("purchase order number", str(todo.note))
        self.assertIn("Your purchase order number.", order._credit_customer_hold_items())
        # Paid in full: no credit reason, the customer is asked nothing about money.
        self.assertFalse([item for item in order._credit_customer_hold_items() if "invoice" in item])
        # Another payment attempt: still one to-do; once the PO number is given, the order confirms.
        self._pay(order, 0.01)._post_process()
        self.assertEqual(len(order.activity_ids.filtered(lambda a: a.activity_type_id == todo_type)), 1)
        order.client_order_ref = "PO-88"
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.activity_ids.filtered(lambda a: a.activity_type_id == todo_type))  # done

    def test_paid_shop_order_of_a_complete_customer_confirms(self):
        self.customer.credit_require_client_ref = False
        order = self._shop_order(1500.0)  # over the limit, but paid in full: cash in advance
        self._pay(order, 1500.0)._post_process()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.credit_intake_failed_rule_ids)

    def test_confirmation_page_tells_what_is_awaited(self):
        order = self._shop_order(300.0)
        self._pay(order, 300.0)._check_amount_and_confirm_order()
        html = self.env["ir.qweb"]._render("credit_control.credit_order_hold_portal", {"sale_order": order.sudo()})
        self.assertIn("Your purchase order number.", str(html))
        view = self.env.ref("credit_control_website_sale.confirmation_credit_hold")
        self.assertEqual(view.inherit_id, self.env.ref("website_sale.confirmation"))
