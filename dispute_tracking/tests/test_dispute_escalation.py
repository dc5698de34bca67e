from datetime import timedelta

from odoo.tests import tagged

from .common import DisputeCommon


@tagged("post_install", "-at_install")
class TestDisputeEscalation(DisputeCommon):
    def _escalation_activities(self, dispute):
        escalation = self.env.ref("dispute_tracking.mail_activity_dispute_escalation")
        return dispute.activity_ids.filtered(lambda a: a.activity_type_id == escalation)

    def test_past_deadline_escalates_to_manager_and_finance(self):
        dispute = self._create_dispute(reason=self.reason_damaged)
        self._backdate(dispute, 11)
        escalated = self.env["dispute.dispute"]._cron_escalate_overdue_disputes()
        self.assertIn(dispute, escalated)
        self.assertTrue(dispute.date_escalated)
        self.assertEqual(self._escalation_activities(dispute).user_id, self.logistics_manager | self.finance)
        message = dispute.message_ids.filtered(lambda m: self.finance.partner_id in m.partner_ids)
        self.assertIn(self.logistics_manager.partner_id, message.partner_ids)
        self.assertIn(self.finance.partner_id, dispute.message_partner_ids)

    def test_escalation_runs_once(self):
        dispute = self._create_dispute(reason=self.reason_damaged)
        self._backdate(dispute, 11)
        self.env["dispute.dispute"]._cron_escalate_overdue_disputes()
        again = self.env["dispute.dispute"]._cron_escalate_overdue_disputes()
        self.assertNotIn(dispute, again)
        self.assertEqual(len(self._escalation_activities(dispute)), 2)

    def test_within_deadline_is_not_escalated(self):
        dispute = self._create_dispute(reason=self.reason_damaged)
        self._backdate(dispute, 10)
        self.env["dispute.dispute"]._cron_escalate_overdue_disputes()
        self.assertFalse(dispute.date_escalated)
        self.assertFalse(self._escalation_activities(dispute))

    def test_closed_dispute_is_not_escalated(self):
        dispute = self._create_dispute(reason=self.reason_damaged)
        self._backdate(dispute, 30)
        dispute.write({"resolution": "corrected"})
        dispute.action_resolve()
        self.env["dispute.dispute"]._cron_escalate_overdue_disputes()
        self.assertFalse(dispute.date_escalated)

    def test_past_deadline_shows_as_late(self):
        dispute = self._create_dispute(reason=self.reason_damaged)
        self._backdate(dispute, 11)
        self.assertTrue(dispute.is_late)
        late = self.env["dispute.dispute"].search([("is_late", "=", True)])
        self.assertIn(dispute, late)

    def test_reopened_dispute_gets_a_new_deadline_and_escalates_again(self):
        dispute = self._create_dispute(reason=self.reason_damaged)
        self._backdate(dispute, 30)
        self.env["dispute.dispute"]._cron_escalate_overdue_disputes()
        dispute.write({"resolution": "corrected"})
        dispute.action_resolve()
        dispute.action_reopen()
        self.assertFalse(dispute.date_escalated)
        self.assertEqual(dispute.date_deadline, self.today + timedelta(days=10))
        owner_todo = dispute.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("dispute_tracking.mail_activity_dispute")
        )
        self.assertEqual(owner_todo.date_deadline, dispute.date_deadline, "the owner's to-do follows")
        self.assertNotIn(dispute, self.env["dispute.dispute"]._cron_escalate_overdue_disputes())
        dispute.date_deadline = self.today - timedelta(days=1)  # the new deadline missed too
        self.assertIn(dispute, self.env["dispute.dispute"]._cron_escalate_overdue_disputes())
        self.assertTrue(dispute.date_escalated)
