from datetime import timedelta

from odoo import Command
from odoo.tests import tagged

from .common import CreditControlCommon


@tagged("post_install", "-at_install")
class TestCreditExposure(CreditControlCommon):
    def test_exposure_breakdown_on_partner_form(self):
        """Overdue, not yet due and order book add up; unapplied credit notes reduce what is owed."""
        self._create_invoice(300.0, days_overdue=10)
        self._create_invoice(200.0, days_overdue=-20)
        self._create_invoice(50.0, days_overdue=5, move_type="out_refund")
        self._create_order(400.0).action_confirm()
        self._create_order(999.0)  # a quotation is not in the order book
        customer = self.customer
        self.assertEqual(customer.credit_exposure_overdue, 250.0)
        self.assertEqual(customer.credit_exposure_not_due, 200.0)
        self.assertEqual(customer.credit_exposure_order_book, 400.0)
        self.assertEqual(customer.credit_exposure, 850.0)
        self.assertEqual(customer.credit_limit_effective, 1000.0)
        self.assertEqual(customer.credit_available, 150.0)

    def test_contacts_share_the_commercial_entity(self):
        """An order placed by a contact counts for the company, and the contact shows its figures."""
        self._create_order(400.0, partner=self.contact).action_confirm()
        self._create_invoice(100.0, partner=self.contact)
        self.assertEqual(self.customer.credit_exposure, 500.0)
        self.assertEqual(self.contact.credit_exposure, 500.0)
        self.assertEqual(self.contact.credit_limit_effective, 1000.0)

    def test_invoiced_and_paid_amounts_leave_the_exposure(self):
        order = self._create_order(600.0)
        order.action_confirm()
        self.assertEqual(self.customer.credit_exposure_order_book, 600.0)
        invoice = order._create_invoices()
        invoice.action_post()
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.credit_exposure_order_book, 0.0)
        self.assertEqual(self.customer.credit_exposure, 600.0)
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {"amount": 250.0}
        )._create_payments()
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.credit_exposure, 350.0)

    def _assert_kept_balance_matches(self, expected):
        kept = self.customer._get_credit_exposure(self.company)[self.customer.id]
        detailed = self.customer._get_credit_exposure(self.company, detailed=True)[self.customer.id]
        self.assertEqual(kept["receivable"], expected)
        self.assertEqual(detailed["receivable"], expected)
        self.assertEqual(kept["oldest_due_date"], detailed["oldest_due_date"])

    def test_kept_balances_follow_the_accounting(self):
        """The balances read at confirmation follow posting, payment, unreconciliation,
        reset to draft, and contacts' own items."""
        invoice = self._create_invoice(400.0, days_overdue=12)
        self._create_invoice(100.0, days_overdue=3, partner=self.contact)
        self._assert_kept_balance_matches(500.0)
        payment = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": 150.0})
            ._create_payments()
        )
        self._assert_kept_balance_matches(350.0)
        invoice.line_ids.remove_move_reconcile()
        self._assert_kept_balance_matches(350.0)  # the payment is now an unapplied credit
        payment.action_draft()
        self._assert_kept_balance_matches(500.0)
        invoice.button_draft()
        self._assert_kept_balance_matches(100.0)
        self.assertEqual(
            self.customer._get_credit_exposure(self.company)[self.customer.id]["oldest_due_date"],
            self.today - timedelta(days=3),
        )

    def test_order_book_includes_taxes_and_converts_currencies(self):
        tax = self.env["account.tax"].create({"name": "VAT 20", "amount": 20.0, "type_tax_use": "sale"})
        order = self._create_order(100.0)
        order.order_line.tax_id = tax
        order.action_confirm()
        self.assertEqual(self.customer.credit_exposure_order_book, 120.0)
        other = self.setup_other_currency("EUR", rates=[("2000-01-01", 2.0)])
        pricelist = self.env["product.pricelist"].create({"name": "EUR", "currency_id": other.id})
        order_eur = self._create_order(300.0, pricelist_id=pricelist.id)
        order_eur.order_line.price_unit = 300.0
        order_eur.action_confirm()
        self.customer.invalidate_recordset()
        # 300 at 2 units for 1 of the company currency
        self.assertEqual(self.customer.credit_exposure_order_book, 270.0)

    def test_other_companies_are_not_counted(self):
        company_2 = self.setup_other_company()["company"]
        self._create_invoice(700.0, company=company_2)
        self._create_invoice(100.0)
        self.assertEqual(self.customer.credit_exposure, 100.0)
        self.assertEqual(self.customer.with_company(company_2).credit_exposure, 700.0)

    def test_quotation_shows_exposure_with_the_order(self):
        self._create_invoice(300.0)
        order = self._create_order(200.0)
        self.assertEqual(order.credit_exposure, 500.0)
        self.assertEqual(order.credit_limit_effective, 1000.0)
        self.assertFalse(order.credit_hold_blocking)
        order.order_line.price_unit = 900.0
        self.assertTrue(order.credit_hold_blocking)
        self.assertIn("over its credit limit", order.credit_hold_message)

    def _count_exposure_queries(self):
        self.env.invalidate_all()
        self.customer._get_credit_exposure(self.company)  # warm the caches of currencies
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        exposure = self.customer._get_credit_exposure(self.company)[self.customer.id]
        return self.env.cr.sql_log_count - before, exposure

    def test_exposure_costs_a_constant_number_of_queries(self):
        self._create_invoice(10.0, days_overdue=3)
        self._create_order(10.0).action_confirm()
        small_count, __ = self._count_exposure_queries()
        for days in range(20):
            self._create_invoice(10.0, days_overdue=days)
            self._create_order(10.0).action_confirm()
        large_count, large = self._count_exposure_queries()
        self.assertEqual(large["order_book"], 210.0)
        self.assertEqual(large["receivable"], 210.0)
        self.assertEqual(small_count, large_count)
        self.assertLessEqual(large_count, 8)

    def _tracked_customer(self):
        # Drop the tracking callbacks that the class set-up registered with tracking disabled.
        self.env.cr.precommit.clear()
        return self.customer.with_context(tracking_disable=False, mail_notrack=False)

    def test_limit_changes_are_tracked(self):
        customer = self._tracked_customer()
        customer.with_user(self.finance).credit_limit = 2500.0
        self.env.flush_all()
        self.env.cr.precommit.run()  # tracking values are written at commit
        tracked = customer.message_ids.tracking_value_ids.filtered(lambda t: t.field_id.name == "credit_limit")
        self.assertTrue(tracked)
        self.assertEqual(tracked[0].new_value_float, 2500.0)

    def test_policy_changes_are_tracked(self):
        customer = self._tracked_customer()
        customer.with_user(self.finance).write({"credit_policy": "alert", "credit_cash_in_advance": True})
        self.env.flush_all()
        self.env.cr.precommit.run()
        tracked = customer.message_ids.tracking_value_ids.mapped("field_id.name")
        self.assertIn("credit_policy", tracked)
        self.assertIn("credit_cash_in_advance", tracked)

    def test_order_lines_with_sections_are_ignored(self):
        order = self._create_order(100.0)
        order.write({"order_line": [Command.create({"display_type": "line_section", "name": "Section"})]})
        order.action_confirm()
        self.assertEqual(self.customer.credit_exposure_order_book, 100.0)

    def _partner_form_spec(self):
        """The fields the web client asks for when it opens the partner form."""
        fields_ = self.env["res.partner"].get_views([(False, "form")])["models"]["res.partner"]["fields"]
        return {fname: {} for fname in fields_}

    def test_form_of_a_new_customer(self):
        """Creating a customer: the form's onchange on a record without id yet."""
        result = self.env["res.partner"].onchange(
            {"name": "Nouveau client", "is_company": True}, [], self._partner_form_spec()
        )
        self.assertEqual(result["value"].get("credit_exposure", 0.0), 0.0)
        contact = self.env["res.partner"].onchange(
            {"name": "Paul", "parent_id": self.customer.id}, ["parent_id"], self._partner_form_spec()
        )
        self.assertIn("value", contact)

    def test_form_being_edited_shows_the_saved_figures(self):
        """An edited partner (a new record with an origin) reads its saved exposure."""
        self._create_invoice(300.0, days_overdue=10)
        edited = self.customer.new({"name": "Brasserie du Port (renamed)"}, origin=self.customer)
        self.assertEqual(edited.credit_exposure_overdue, 300.0)
        self.assertEqual(edited.credit_aged_total, 300.0)
