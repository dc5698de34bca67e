from odoo.tests import tagged

from .common import DisputeCommon


@tagged("post_install", "-at_install")
class TestDisputeDunningPause(DisputeCommon):
    def test_open_dispute_pauses_the_invoice(self):
        invoice = self._create_invoice()
        self.assertFalse(invoice.in_dispute)
        self._create_dispute(invoice)
        self.assertTrue(invoice.in_dispute)

    def test_resolution_resumes_dunning(self):
        invoice = self._create_invoice()
        dispute = self._create_dispute(invoice)
        dispute.resolution = "corrected"
        dispute.action_resolve()
        self.assertFalse(invoice.in_dispute)

    def test_rejection_resumes_dunning(self):
        invoice = self._create_invoice()
        dispute = self._create_dispute(invoice)
        dispute.action_reject()
        self.assertEqual(dispute.resolution, "rejected")
        self.assertFalse(invoice.in_dispute)

    def test_invoice_stays_paused_while_another_dispute_is_open(self):
        invoice = self._create_invoice()
        first = self._create_dispute(invoice, amount=100.0)
        self._create_dispute(invoice, amount=200.0)
        first.action_reject()
        self.assertTrue(invoice.in_dispute)

    def test_reopening_pauses_again(self):
        invoice = self._create_invoice()
        dispute = self._create_dispute(invoice)
        dispute.action_reject()
        dispute.action_reopen()
        self.assertTrue(dispute.is_open)
        self.assertFalse(dispute.resolution)
        self.assertTrue(invoice.in_dispute)

    def test_deleting_the_dispute_resumes_dunning(self):
        invoice = self._create_invoice()
        dispute = self._create_dispute(invoice)
        dispute.unlink()
        self.assertFalse(invoice.in_dispute)

    def test_other_invoices_are_left_alone(self):
        invoice = self._create_invoice()
        other = self._create_invoice()
        other.in_dispute = True  # set by hand: the register does not clear what it did not set
        dispute = self._create_dispute(invoice)
        dispute.action_reject()
        self.assertTrue(other.in_dispute)

    def test_dunning_outcome_opens_a_routed_dispute(self):
        invoices = self._create_invoice(800.0) | self._create_invoice(500.0)
        disputes = invoices._open_dispute_from_dunning(reason=self.reason_quality, description="Said on the phone")
        self.assertEqual(len(disputes), 2)
        self.assertEqual(disputes.mapped("amount"), [800.0, 500.0])
        self.assertEqual(disputes.department_id, self.quality)
        self.assertTrue(all(invoices.mapped("in_dispute")))

    def test_dunning_outcome_defaults_to_the_other_reason(self):
        disputes = self._create_invoice()._open_dispute_from_dunning()
        self.assertEqual(disputes.reason_id, self.env.ref("dispute_tracking.dispute_reason_other"))
