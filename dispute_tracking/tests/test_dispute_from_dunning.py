from odoo.tests import tagged

from odoo.addons.credit_control.tests.dunning_common import DunningCommon


@tagged("post_install", "-at_install")
class TestDisputeFromDunning(DunningCommon):
    """A preventive call surfaces a dispute: the collector records it, the register gets it."""

    def test_dispute_outcome_opens_a_routed_dispute(self):
        invoice = self._create_invoice(500.0, days_overdue=-5)
        self.run_dunning()
        call = self.actions()
        call.with_user(self.billing).write({"outcome": "dispute", "note": "Two crates broken at delivery."})
        call.with_user(self.billing).action_record_outcome()
        dispute = self.env["dispute.dispute"].search([("move_id", "=", invoice.id)])
        self.assertEqual(len(dispute), 1)
        self.assertEqual(dispute.amount, 500.0)
        self.assertEqual(dispute.description, "Two crates broken at delivery.")
        self.assertTrue(dispute.department_id)
        self.assertTrue(invoice.in_dispute)
        # Recording the outcome again on a later contact does not open a second dispute.
        invoice._dunning_open_dispute(call)
        self.assertEqual(self.env["dispute.dispute"].search_count([("move_id", "=", invoice.id)]), 1)
