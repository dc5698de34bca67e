from odoo.tests import tagged

from .common import DisputeCommon


@tagged("post_install", "-at_install")
class TestDisputePaymentBehaviour(DisputeCommon):
    def test_disputes_per_invoice(self):
        invoices = [self._create_invoice(amount) for amount in (1000.0, 500.0, 300.0, 200.0)]
        self._create_dispute(invoices[0], amount=100.0)
        self._create_dispute(invoices[1], amount=50.0)
        self._create_invoice(400.0, partner=self.other_customer)
        self.env["credit.payment.behaviour"]._compute_payment_behaviour(self.company)
        rows = self.env["credit.payment.behaviour"].search([("company_id", "=", self.company.id)])
        row = rows.filtered(lambda r: r.partner_id == self.customer)
        self.assertEqual((row.invoiced_count, row.dispute_count), (4, 2))
        self.assertAlmostEqual(row.disputes_per_invoice, 0.5)
        other = rows.filtered(lambda r: r.partner_id == self.other_customer)
        self.assertEqual((other.invoiced_count, other.dispute_count, other.disputes_per_invoice), (1, 0, 0.0))
