from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import CreditControlCommon, CreditHoldError


@tagged("post_install", "-at_install")
class TestCreditCheck(CreditControlCommon):
    def test_order_within_limit_is_confirmed(self):
        self._create_invoice(300.0)
        order = self._create_order(700.0)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.credit_checked_amount, 700.0)

    def test_orders_in_two_currencies_confirmed_together(self):
        """Two orders of the same total in two currencies, confirmed in one call: each records
        its own total, and the gate counts them converted, together."""
        other = self.setup_other_currency("EUR", rates=[("2000-01-01", 2.0)])
        pricelist = self.env["product.pricelist"].create({"name": "EUR", "currency_id": other.id})
        order_usd = self._create_order(300.0)
        order_eur = self._create_order(300.0, pricelist_id=pricelist.id)
        order_eur.order_line.price_unit = 300.0
        self.assertEqual(order_usd.amount_total, order_eur.amount_total)
        self._create_invoice(600.0)
        # 600 + 300 + 300 / 2 = 1,050: over the limit together, not one by one
        with self.assertHold("over its credit limit"):
            (order_usd | order_eur).action_confirm()
        self._create_invoice(100.0, move_type="out_refund")  # a credit note: 950
        (order_usd | order_eur).action_confirm()
        self.assertEqual((order_usd | order_eur).mapped("state"), ["sale", "sale"])
        self.assertEqual(order_usd.credit_checked_amount, 300.0)
        self.assertEqual(order_eur.credit_checked_amount, 300.0)
        self.assertEqual(order_eur.currency_id, other)

    def test_block_refuses_with_excess_and_overdue(self):
        """Story: a salesperson is blocked, and told by how much and what is overdue."""
        self._create_invoice(300.0, days_overdue=45)
        self._create_invoice(200.0, days_overdue=-10)
        order = self._create_order(800.0)
        with self.assertRaises(CreditHoldError) as error:
            order.action_confirm()
        message = str(error.exception)
        self.assertIn("300.00 over its credit limit", message.replace("\u00a0", " "))
        self.assertIn("overdue $\u00a0300.00", message)
        self.assertEqual(order.state, "draft")
        # The error offers the release request in one click.
        self.assertEqual(error.exception.action, self.env.ref("credit_control.credit_release_request_action").id)
        self.assertEqual(error.exception.additional_context, {"default_order_id": order.id})

    def test_alert_confirms_records_and_notifies_finance(self):
        self.customer.with_user(self.finance).credit_policy = "alert"
        order = self._create_order(1500.0)
        self.assertTrue(order.credit_hold_message)
        self.assertFalse(order.credit_hold_blocking)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        alert = order.message_ids.filtered(lambda m: "alert policy" in (m.body or ""))
        self.assertEqual(len(alert), 1)
        self.assertIn(self.finance.partner_id, alert.notified_partner_ids)

    def test_no_check_policy_lets_everything_through(self):
        self.customer.with_user(self.finance).credit_policy = "none"
        self._create_invoice(5000.0, days_overdue=90)
        order = self._create_order(5000.0)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_company_default_policy_applies_without_partner_policy(self):
        self.company.credit_policy = "alert"
        order = self._create_order(1500.0)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.company.credit_policy = "block"
        with self.assertHold():
            self._create_order(10.0).action_confirm()

    def test_no_limit_means_no_limit_check(self):
        self.customer.with_user(self.finance).credit_limit = 0.0
        order = self._create_order(100000.0)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_invoice_overdue_too_long_holds(self):
        self.company.credit_overdue_days = 30
        self._create_invoice(10.0, days_overdue=20)
        self._create_order(10.0).action_confirm()
        self._create_invoice(10.0, days_overdue=31)
        with self.assertHold("the oldest by 31 days"):
            self._create_order(10.0).action_confirm()

    def test_cash_in_advance_needs_an_immediate_term(self):
        self.customer.with_user(self.finance).credit_cash_in_advance = True
        order = self._create_order(10.0)
        with self.assertHold("cash in advance"):
            order.action_confirm()
        order.payment_term_id = self.env.ref("account.account_payment_term_immediate")
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_company_default_of_a_customer_field_applies_and_follows_its_changes(self):
        """A default set for every customer (ir.default) applies to those without a value of
        their own, and the gate follows when it is changed or removed."""
        Default = self.env["ir.default"]
        Default.set("res.partner", "credit_cash_in_advance", True, company_id=self.company.id)
        with self.assertHold("cash in advance"):
            self._create_order(10.0).action_confirm()
        Default.set("res.partner", "credit_cash_in_advance", False, company_id=self.company.id)
        order = self._create_order(10.0)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        newcomer = self.customer.copy({"name": "Epicerie Nouvelle"})  # no limit of its own
        Default.set("res.partner", "credit_limit", 5.0, company_id=self.company.id)
        with self.assertHold("over its credit limit"):
            self._create_order(10.0, partner=newcomer).action_confirm()
        Default.discard_values("res.partner", "credit_limit", [5.0])
        self._create_order(10.0, partner=newcomer).action_confirm()

    def test_cash_in_advance_keeps_the_immediate_term_once_confirmed(self):
        """Confirmed on immediate terms, the order of a customer on cash in advance cannot be
        given credit terms afterwards (the invoice would take them)."""
        self.customer.with_user(self.finance).credit_cash_in_advance = True
        immediate = self.env.ref("account.account_payment_term_immediate")
        order = self._create_order(10.0, payment_term_id=immediate.id)
        order.action_confirm()
        with self.assertRaisesRegex(UserError, "cash in advance"), self.env.cr.savepoint():
            order.with_user(self.salesman).write({"payment_term_id": self.term_30.id})
        self.assertEqual(order.payment_term_id, immediate)
        # Without cash in advance, confirmed orders change terms as in Odoo.
        self.customer.with_user(self.finance).credit_cash_in_advance = False
        order.with_user(self.salesman).write({"payment_term_id": self.term_30.id})
        self.assertEqual(order.payment_term_id, self.term_30)

    def test_every_way_of_confirming_is_checked(self):
        """RPC write of the state and import of confirmed orders go through the same gate."""
        self._create_invoice(900.0)
        order = self._create_order(500.0)
        with self.assertHold("credit hold"):
            order.with_user(self.salesman).write({"state": "sale"})
        with self.assertHold("credit hold"):
            self.env["sale.order"].with_user(self.salesman).create(
                {
                    "partner_id": self.customer.id,
                    "payment_term_id": self.term_30.id,
                    "state": "sale",
                    "order_line": [Command.create({"product_id": self.product.id, "price_unit": 500.0})],
                }
            )
        with self.assertHold("credit hold"):
            self._create_order(500.0).with_context(credit_check_skip=True, skip_credit_check=True).action_confirm()

    def test_no_bypass_through_release_fields(self):
        order = self._create_order(5000.0)
        with self.assertRaisesRegex(Exception, "decided by finance"):
            order.with_user(self.salesman).write({"credit_release_state": "released", "credit_released_amount": 5000.0})
        with self.assertRaisesRegex(Exception, "decided by finance"):
            self.env["sale.order"].with_user(self.salesman).create(
                {"partner_id": self.customer.id, "credit_release_state": "released", "credit_released_amount": 1e9}
            )

    def test_confirmed_order_that_grows_is_checked_again(self):
        order = self._create_order(600.0)
        order.action_confirm()
        order.order_line.name = "Crates, blue"  # no growth: nothing to check
        with self.assertHold("credit hold"):
            order.with_user(self.salesman).write(
                {"order_line": [Command.create({"product_id": self.product.id, "price_unit": 500.0})]}
            )
        order.with_user(self.salesman).write(
            {"order_line": [Command.create({"product_id": self.product.id, "price_unit": 300.0})]}
        )
        self.assertEqual(order.credit_checked_amount, 900.0)

    def test_incomplete_orders_are_refused(self):
        self.company.write(
            {"credit_require_payment_term": True, "credit_require_address": True, "credit_require_vat": True}
        )
        self.customer.write({"credit_require_client_ref": True})
        self.customer.with_user(self.finance).credit_policy = "none"
        order = self._create_order(10.0, payment_term_id=False)
        self.customer.street = False
        with self.assertRaises(UserError) as error:
            order.action_confirm()
        message = str(error.exception)
        self.assertIn("Payment terms are missing", message)
        self.assertIn("invoice address is incomplete", message)
        self.assertIn("tax ID is missing", message)
        self.assertIn("purchase order number", message)
        self.customer.write({"street": "12 quai de la Fosse", "vat": "FR23334175221"})
        order.write({"payment_term_id": self.term_30.id, "client_order_ref": "PO-4471"})
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_portal_signature_of_a_held_quotation_keeps_it_signed(self):
        """Portal: the customer signs, the order stays a signed quotation, people are told."""
        self._create_invoice(900.0)
        order = self._create_order(500.0)
        order.write(
            {"signed_by": "Jeanne Achat", "signature": "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"}
        )
        public_user = self.env.ref("base.public_user")
        order.with_user(public_user).sudo()._validate_order()
        self.assertEqual(order.state, "draft")
        notice = order.message_ids.filtered(lambda m: "on hold and was not confirmed" in (m.body or ""))
        self.assertEqual(len(notice), 1)
        self.assertIn(self.salesman.partner_id, notice.notified_partner_ids)
        self.assertIn(self.finance.partner_id, notice.notified_partner_ids)

    def test_portal_signature_within_limit_confirms(self):
        order = self._create_order(500.0)
        order.sudo()._validate_order()
        self.assertEqual(order.state, "sale")

    def test_limits_and_exposure_are_per_company(self):
        """Another company's limit, policy and entries do not decide here, and the reverse."""
        company_2 = self.setup_other_company()["company"]
        company_2.write({"credit_policy": "block", "credit_require_payment_term": False})
        self.env.user.company_ids |= company_2
        self._create_invoice(900.0, company=company_2)
        self.customer.with_company(company_2).with_user(self.finance).sudo().credit_limit = 100.0
        order = self._create_order(500.0)
        order.action_confirm()  # 900 owed elsewhere and a limit of 100 elsewhere do not count here
        self.assertEqual(order.state, "sale")
        order_2 = (
            self.env["sale.order"]
            .with_company(company_2)
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": company_2.id,
                    "order_line": [Command.create({"product_id": self.product.id, "price_unit": 50.0})],
                }
            )
        )
        with self.assertHold("over its credit limit"):
            order_2.action_confirm()
