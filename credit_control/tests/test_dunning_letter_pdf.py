"""A dunning letter printed as a real PDF by wkhtmltopdf, its text read back."""

import io

import PyPDF2

from odoo.tests import tagged

from .dunning_common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningLetterPdf(DunningCommon):
    def setUp(self):
        super().setUp()
        report = self.env.ref("credit_control.action_report_credit_dunning_letter")
        state = report.get_wkhtmltopdf_state()
        if state in ("install", "broken"):
            self.skipTest(f"wkhtmltopdf is {state}: letters stay HTML (./dev install installs it as root)")

    def _pdf_text(self, content):
        reader = PyPDF2.PdfReader(io.BytesIO(content))
        # wkhtmltopdf separates words with tabs or newlines: compare on single spaces.
        return " ".join(" ".join(page.extract_text() for page in reader.pages).split())

    def test_formal_notice_letter_is_a_pdf_with_the_invoices(self):
        first = self.reached(self._create_invoice(876.0, days_overdue=31), self.stage_firm)
        second = self.reached(self._create_invoice(1234.5, days_overdue=35), self.stage_firm)
        # Odoo renders reports as HTML in tests unless asked for the real PDF.
        self.Action.with_context(force_report_rendering=True)._run_dunning(self.company, today=self.today)
        self.Action.with_context(force_report_rendering=True)._dispatch_actions(companies=self.company)
        action = self.actions(stage_id=self.stage_notice.id)
        self.assertEqual(action.move_ids, first | second)
        attachment = action.letter_attachment_id
        self.assertEqual(attachment.mimetype, "application/pdf")
        self.assertTrue(attachment.name.endswith(".pdf"), attachment.name)
        content = attachment.raw
        self.assertTrue(content.startswith(b"%PDF-"), "a real PDF, not HTML")

        text = self._pdf_text(content)
        self.assertIn("Brasserie du Port", text)
        self.assertIn(self.stage_notice.name, text)
        for invoice in first | second:
            self.assertIn(invoice.name, text)
        self.assertIn("876.00", text)
        self.assertIn("1,234.50", text)
        self.assertIn("2,110.50", text, "the total due")
