from datetime import timedelta

from odoo.exceptions import UserError
from odoo.tests import tagged

from .dunning_common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningOutcomes(DunningCommon):
    def setUp(self):
        super().setUp()
        self.invoice = self._create_invoice(500.0, days_overdue=-5)
        self.run_dunning()
        self.call = self.actions()

    def record(self, outcome, **values):
        self.call.with_user(self.billing).write({"outcome": outcome, **values})
        self.call.with_user(self.billing).action_record_outcome()

    def test_no_issue_closes_the_call(self):
        self.record("no_issue", note="Delivery received, invoice approved.")
        self.assertRecordValues(self.call, [{"state": "done", "outcome": "no_issue", "done_user_id": self.billing.id}])
        self.assertFalse(self.call.activity_ids, "the call to-do is done")

    def test_promise_to_pay_waits_then_broken_promise_escalates(self):
        promised = self.today + timedelta(days=20)
        self.record("promise", promise_date=promised, promise_amount=500.0)
        self.assertEqual(self.invoice.dunning_hold_until, promised)
        self.run_dunning(days_later=15)
        self.assertFalse(self.actions(stage_id=self.stage_friendly.id), "dunning waits for the promised date")
        self.run_dunning(days_later=20)
        self.assertFalse(self.actions(stage_id=self.stage_friendly.id), "nor on the promised date itself")
        self.run_dunning(days_later=21)
        # Unpaid after the promise: the reminder it has not had, not the furthest stage due (firm).
        self.assertEqual(self.invoice.dunning_stage_id, self.stage_friendly, "unpaid after the promise: next stage")
        self.assertEqual(len(self.actions(stage_id=self.stage_friendly.id)), 1)
        self.assertFalse(self.actions(stage_id=self.stage_firm.id))

    def test_promise_date_in_the_past_is_refused(self):
        with self.assertRaises(UserError):
            self.record("promise", promise_date=self.today - timedelta(days=1), promise_amount=500.0)

    def test_promise_without_amount_is_refused(self):
        with self.assertRaises(UserError):
            self.record("promise", promise_date=self.today + timedelta(days=3), promise_amount=0.0)

    def test_dispute_flags_invoices_and_pauses_dunning(self):
        self.record("dispute", note="Two crates broken at delivery.")
        self.assertTrue(self.invoice.in_dispute)
        self.run_dunning(days_later=40)
        self.assertEqual(self.actions(), self.call, "a disputed invoice is not dunned")

    def test_duplicate_invoice_sent_at_once(self):
        self.record("duplicate")
        mail = self.dunning_mails()
        self.assertEqual(len(mail), 1)
        self.assertIn("copy of your invoices", mail.subject)
        self.assertEqual(mail.attachment_ids.mapped("name"), [f"{self.invoice.name}.html"])

    def test_no_answer_retries(self):
        self.record("no_answer")
        self.assertEqual(self.call.state, "done")
        retry = self.actions(state="planned")
        self.assertEqual(retry.stage_id, self.stage_call)
        self.assertEqual(retry.move_ids, self.invoice)
        self.assertEqual(retry.date, self.today + timedelta(days=2))
        self.assertTrue(retry.activity_ids, "the collector gets a new call to-do")

    def test_outcome_required(self):
        with self.assertRaises(UserError):
            self.call.with_user(self.billing).action_record_outcome()

    def test_done_action_cannot_be_recorded_again(self):
        self.record("no_issue")
        with self.assertRaises(UserError):
            self.record("no_answer")
