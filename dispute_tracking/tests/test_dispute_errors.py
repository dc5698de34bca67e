from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import DisputeCommon


@tagged("post_install", "-at_install")
class TestDisputeErrors(DisputeCommon):
    def test_amount_above_the_residual_is_refused(self):
        invoice = self._create_invoice(1000.0)
        with self.assertRaisesRegex(ValidationError, "above what is still due"), self.env.cr.savepoint():
            self._create_dispute(invoice, amount=1000.01)
        self.assertFalse(invoice.dispute_ids)

    def test_open_disputes_of_an_invoice_add_up(self):
        invoice = self._create_invoice(1000.0)
        self._create_dispute(invoice, amount=600.0)
        with self.assertRaisesRegex(ValidationError, "above what is still due"), self.env.cr.savepoint():
            self._create_dispute(invoice, amount=500.0)
        self.assertEqual(len(invoice.dispute_ids), 1)
        self._create_dispute(invoice, amount=400.0)
        self.assertEqual(len(invoice.dispute_ids), 2)

    def test_amount_must_be_positive(self):
        invoice = self._create_invoice()
        for amount in (0.0, -10.0):
            with self.assertRaisesRegex(ValidationError, "must be positive"), self.env.cr.savepoint():
                self._create_dispute(invoice, amount=amount)
        self.assertFalse(invoice.dispute_ids)

    def test_vendor_bill_cannot_be_disputed(self):
        bill = self._create_invoice(move_type="in_invoice")
        with self.assertRaisesRegex(ValidationError, "not a customer invoice"), self.env.cr.savepoint():
            self._create_dispute(bill)
        with self.assertRaises(UserError):
            bill.action_open_dispute()

    def test_draft_invoice_cannot_be_disputed(self):
        draft = self._create_invoice(post=False)
        with self.assertRaisesRegex(ValidationError, "not posted"), self.env.cr.savepoint():
            self._create_dispute(draft)
        with self.assertRaises(UserError):
            draft._open_dispute_from_dunning()

    def test_closing_without_resolution_is_refused(self):
        dispute = self._create_dispute()
        with self.assertRaisesRegex(UserError, "Choose a resolution"), self.env.cr.savepoint():
            dispute.action_resolve()
        with self.assertRaisesRegex(ValidationError, "without a resolution"), self.env.cr.savepoint():
            dispute.write({"stage": "resolved"})
        self.assertTrue(dispute.is_open)
        self.assertTrue(dispute.move_id.in_dispute)

    def test_lines_of_another_invoice_are_refused(self):
        other = self._create_invoice()
        with self.assertRaisesRegex(ValidationError, "lines of the disputed invoice"), self.env.cr.savepoint():
            self._create_dispute(move_line_ids=[(6, 0, other.invoice_line_ids.ids)])

    def test_closed_dispute_cannot_be_credited(self):
        dispute = self._create_dispute()
        dispute.action_reject()
        with self.assertRaisesRegex(UserError, "already closed"):
            dispute.with_user(self.finance).action_resolve_credit_note()
        self.assertFalse(dispute.refund_id)
