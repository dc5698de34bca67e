from odoo.exceptions import UserError
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

    def _reason(self, **values):
        department = (
            self.env["dispute.department"].sudo().create({"name": "Sales (test)", "manager_id": self.salesman.id})
        )
        return (
            self.env["dispute.reason"]
            .sudo()
            .create({"name": "Discount missing (test)", "department_id": department.id, **values})
        )

    def test_collector_chooses_the_reason_and_so_the_department(self):
        reason = self._reason()
        invoice = self._create_invoice(500.0, days_overdue=-5)
        self.run_dunning()
        call = self.actions().with_user(self.billing)
        call.write({"outcome": "dispute", "dispute_reason_id": reason.id, "note": "The 5% discount is missing."})
        call.action_record_outcome()
        dispute = self.env["dispute.dispute"].search([("move_id", "=", invoice.id)])
        self.assertEqual(dispute.reason_id, reason)
        self.assertEqual(dispute.department_id, reason.department_id)
        self.assertEqual(dispute.user_id, self.salesman)

    def test_reason_of_another_company_or_archived_is_refused(self):
        other_company = self.setup_other_company()["company"]
        invoice = self._create_invoice(500.0, days_overdue=-5)
        self.run_dunning()
        call = self.actions().with_user(self.billing)
        for reason in (self._reason(company_id=other_company.id), self._reason(active=False)):
            call.write({"outcome": "dispute", "dispute_reason_id": reason.id})
            with self.subTest(reason=reason.name), self.assertRaises(UserError):
                call.action_record_outcome()
        self.assertFalse(invoice.dispute_ids)
        self.assertEqual(call.state, "planned")

    def test_call_form_shows_the_customers_open_disputes(self):
        disputed = self._create_invoice(700.0, days_overdue=20)
        disputed._open_dispute_from_dunning(reason=self._reason(), amount=70.0)
        self._create_invoice(500.0, days_overdue=-5)
        self.run_dunning()
        call = self.actions(stage_id=self.stage_call.id).with_user(self.billing)
        self.assertEqual(call.open_dispute_ids, disputed.dispute_ids)
        disputed.dispute_ids.action_reject()
        call.invalidate_recordset(["open_dispute_ids"])
        self.assertFalse(call.open_dispute_ids, "closed disputes leave the call form")
