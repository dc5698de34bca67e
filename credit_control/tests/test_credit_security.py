from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CreditControlCommon


@tagged("post_install", "-at_install")
class TestCreditSecurity(CreditControlCommon):
    def test_sales_user_reads_exposure(self):
        self._create_invoice(300.0)
        customer = self.customer.with_user(self.salesman)
        self.assertEqual(customer.credit_exposure, 300.0)
        self.assertEqual(customer.credit_limit_effective, 1000.0)
        self.assertEqual(customer.credit_effective_policy, "block")
        self.assertFalse(customer.credit_can_decide)

    def test_sales_user_cannot_change_limits_or_policy(self):
        customer = self.customer.with_user(self.salesman)
        for values in (
            {"credit_limit": 99999.0},
            {"credit_policy": "none"},
            {"credit_cash_in_advance": True},
            {"credit_limit_temporary": 5000.0},
        ):
            with self.assertRaises(AccessError):
                customer.write(values)
        # Editing anything else, or rewriting the same value, is fine.
        customer.write({"phone": "+33 2 40 00 00 00", "credit_policy": False})
        self.assertEqual(self.customer.credit_limit, 1000.0)

    def test_billing_user_cannot_change_limits(self):
        with self.assertRaises(AccessError):
            self.customer.with_user(self.billing).credit_limit = 5000.0

    def test_finance_changes_limits(self):
        self.customer.with_user(self.finance).write({"credit_limit": 5000.0, "credit_policy": "alert"})
        self.assertEqual(self.customer.credit_limit, 5000.0)

    def test_sales_user_cannot_release_a_hold(self):
        self._create_invoice(900.0)
        order = self._create_order(500.0)
        with self.assertRaises(AccessError):
            self.env["credit.decision.wizard"].with_user(self.salesman).create(
                {"partner_id": self.customer.id, "order_id": order.id, "decision": "release", "reason": "me"}
            )
        with self.assertRaises(AccessError):
            self.env["credit.decision"].with_user(self.salesman).create(
                {"partner_id": self.customer.id, "decision": "release", "reason": "me"}
            )

    def test_sales_user_creating_a_contact_is_not_blocked_by_the_sync(self):
        contact = (
            self.env["res.partner"]
            .with_user(self.salesman)
            .create({"name": "New buyer", "parent_id": self.customer.id})
        )
        self.assertEqual(contact.credit_limit_effective, 1000.0)

    def test_history_is_read_only_and_per_company(self):
        decision = (
            self.env["credit.decision"]
            .with_user(self.finance)
            .create({"partner_id": self.customer.id, "decision": "refuse", "reason": "no"})
        )
        with self.assertRaises(AccessError):
            decision.with_user(self.finance).write({"reason": "changed"})
        with self.assertRaises(AccessError):
            decision.with_user(self.finance).unlink()
        company_2 = self.setup_other_company()["company"]
        other = self.env["credit.decision"].create(
            {"partner_id": self.customer.id, "decision": "refuse", "reason": "other", "company_id": company_2.id}
        )
        visible = self.env["credit.decision"].with_user(self.finance).search([("partner_id", "=", self.customer.id)])
        self.assertEqual(visible, decision)
        self.assertNotIn(other, visible)
        # An accountant (who also sells) is not finance: only the decisions on their own orders.
        self.assertFalse(
            self.env["credit.decision"].with_user(self.billing).search([("partner_id", "=", self.customer.id)])
        )

    def test_salesperson_reads_the_decisions_on_own_orders_only(self):
        order = self._create_order(500.0)
        Decision = self.env["credit.decision"].with_user(self.finance)
        on_order = Decision.create(
            {"partner_id": self.customer.id, "order_id": order.id, "decision": "refuse", "reason": "no"}
        )
        on_limit = Decision.create({"partner_id": self.customer.id, "decision": "limit_permanent", "reason": "up"})
        visible = self.env["credit.decision"].with_user(self.salesman).search([("partner_id", "=", self.customer.id)])
        self.assertEqual(visible, on_order)
        with self.assertRaises(AccessError):
            on_limit.with_user(self.salesman).read(["reason"])

    def test_balances_are_read_by_accounting_only(self):
        """As Odoo's own credit and debit: accountants read a customer's balances over RPC,
        salespeople and other internal users do not."""
        self._create_invoice(300.0, days_overdue=10)
        fnames = ["credit_exposure", "credit_aged_total", "credit_open_balances"]
        values = self.customer.with_user(self.billing).read(fnames)[0]
        self.assertEqual(values["credit_exposure"], 300.0)
        self.assertEqual(values["credit_aged_total"], 300.0)
        for fname in fnames:
            with self.assertRaises(AccessError):
                self.customer.with_user(self.salesman).read([fname])
