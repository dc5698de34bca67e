import base64
import io
import zipfile

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
