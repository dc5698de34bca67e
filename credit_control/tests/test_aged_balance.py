import base64
import io
import zipfile
from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .dunning_common import DunningCommon


@tagged("post_install", "-at_install")
class TestAgedBalance(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_invoice(100.0, days_overdue=-10)
        cls._create_invoice(200.0, days_overdue=10)
        cls._create_invoice(300.0, days_overdue=45)
        cls._create_invoice(400.0, days_overdue=75)
        cls._create_invoice(500.0, days_overdue=120)
        disputed = cls._create_invoice(600.0, days_overdue=20)
        disputed.in_dispute = True
        cls._create_invoice(50.0, days_overdue=5, move_type="out_refund")
        partial = cls._create_invoice(1000.0, days_overdue=40)
        cls.env["account.payment.register"].with_context(active_model="account.move", active_ids=partial.ids).create(
            {"amount": 250.0}
        ).action_create_payments()

    def test_buckets_on_partner_form(self):
        partner = self.customer.with_company(self.company)
        self.assertRecordValues(
            partner,
            [
                {
                    "credit_aged_not_due": 100.0,
                    "credit_aged_1_30": 150.0,
                    "credit_aged_31_60": 1050.0,
                    "credit_aged_61_90": 400.0,
                    "credit_aged_over_90": 500.0,
                    "credit_aged_disputed": 600.0,
                    "credit_aged_total": 2800.0,
                }
            ],
        )

    def test_total_equals_receivable_balance(self):
        partner = self.customer.with_company(self.company)
        self.env.invalidate_all()
        self.assertAlmostEqual(partner.credit_aged_total, partner.credit)
        line = self.env["credit.aged.balance"].search([("partner_id", "=", self.customer.id)])
        self.assertAlmostEqual(
            line.not_due + line.aged_1_30 + line.aged_31_60 + line.aged_61_90 + line.aged_over_90 + line.disputed,
            line.total,
        )
        self.assertAlmostEqual(line.total, partner.credit)

    def test_xlsx_export(self):
        lines = self.env["credit.aged.balance"].search([("partner_id", "=", self.customer.id)])
        result = lines.action_export_xlsx()
        attachment = self.env["ir.attachment"].browse(int(result["url"].split("/")[3].split("?")[0]))
        with zipfile.ZipFile(io.BytesIO(base64.b64decode(attachment.datas))) as xlsx:
            strings = xlsx.read("xl/sharedStrings.xml").decode()
            sheet = xlsx.read("xl/worksheets/sheet1.xml").decode()
        self.assertIn("Brasserie du Port", strings)
        self.assertIn("2800", sheet)

    def _export_queries(self, lines):
        lines.action_export_xlsx()  # fills the registry's caches
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        lines.action_export_xlsx()
        return self.env.cr.sql_log_count - before

    def test_xlsx_export_reads_the_balance_once(self):
        """Exporting every line reads the aged balance in one query, as exporting the
        selected ones: searched then read by batches of ids, the view (an aggregate over all
        the open items) ran once for the search and once per 1,000 customers (18 s at
        10,000 customers)."""
        Aged = self.env["credit.aged.balance"]
        selected = Aged.search([])
        self.assertTrue(selected)
        self.assertEqual(self._export_queries(Aged), self._export_queries(selected))

    # The invoices behind a row, and the balance at a past date
    def _pay(self, invoice, amount=None):
        register = self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        )
        register.create({"amount": amount or invoice.amount_residual}).action_create_payments()

    def test_row_opens_its_invoices(self):
        line = self.env["credit.aged.balance"].search([("partner_id", "=", self.customer.id)])
        action = line.action_open_invoices()
        self.assertEqual(action["res_model"], "account.move")
        moves = self.env["account.move"].search(action["domain"])
        expected = self.env["account.move"].search(
            [
                ("partner_id", "=", self.customer.id),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("payment_state", "in", ("not_paid", "partial")),
            ]
        )
        self.assertEqual(len(expected), 8)
        self.assertEqual(moves, expected)
        # Clicking a row opens them.
        arch = self.env["credit.aged.balance"].get_view(view_type="list")["arch"]
        self.assertIn('action="action_open_invoices"', arch)

    def test_balance_at_a_past_date(self):
        """Paid today, open ten days ago; dated today, not there ten days ago."""
        paid = self._create_invoice(400.0, days_overdue=40, partner=self.customer_2)
        self._pay(paid)
        self._create_invoice(100.0, days_overdue=-10, partner=self.customer_2)
        Aged = self.env["credit.aged.balance"]
        domain = [("partner_id", "=", self.customer_2.id)]
        self.assertRecordValues(Aged.search(domain), [{"total": 100.0, "not_due": 100.0, "aged_1_30": 0.0}])
        self.env.invalidate_all()
        past = Aged.with_context(credit_aged_date=fields.Date.to_string(self.today - timedelta(days=10)))
        self.assertRecordValues(past.search(domain), [{"total": 400.0, "not_due": 0.0, "aged_1_30": 400.0}])
        self.assertEqual(self.env["account.move"].search(past.search(domain).action_open_invoices()["domain"]), paid)
        # Nor the partial payment of today (250), the credit note dated 5 days ago (50) and the
        # invoice dated today (100): 2,800 + 250 + 50 - 100.
        self.assertEqual(past.search([("partner_id", "=", self.customer.id)]).total, 3000.0)

    def test_past_date_wizard(self):
        wizard = self.env["credit.aged.balance.date"].with_user(self.billing)
        action = wizard.create({"date": self.today - timedelta(days=31)}).action_open()
        self.assertEqual(action["res_model"], "credit.aged.balance")
        self.assertEqual(action["context"]["credit_aged_date"], fields.Date.to_string(self.today - timedelta(days=31)))
        with self.assertRaises(UserError):
            wizard.create({"date": self.today + timedelta(days=1)}).action_open()
