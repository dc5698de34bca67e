from datetime import timedelta

from odoo.tests import tagged

from .common import DisputeCommon


@tagged("post_install", "-at_install")
class TestDisputeRouting(DisputeCommon):
    def test_reason_routes_to_department_owner_and_deadline(self):
        dispute = self._create_dispute(reason=self.reason_damaged)
        self.assertEqual(dispute.department_id, self.logistics)
        self.assertEqual(dispute.user_id, self.logistics_user)
        self.assertEqual(dispute.date_deadline, self.today + timedelta(days=10))
        self.assertEqual(dispute.partner_id, self.customer)
        self.assertEqual(dispute.salesperson_id, self.salesman)
        self.assertTrue(dispute.name.startswith("DSP/"))

    def test_department_without_default_owner_gives_it_to_its_manager(self):
        self.logistics.responsible_id = False
        dispute = self._create_dispute(reason=self.reason_damaged)
        self.assertEqual(dispute.user_id, self.logistics_manager)

    def test_owner_gets_an_activity_and_a_notification(self):
        dispute = self._create_dispute(reason=self.reason_damaged)
        activity = dispute.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.logistics_user)
        self.assertEqual(activity.activity_type_id, self.env.ref("dispute_tracking.mail_activity_dispute"))
        self.assertEqual(activity.date_deadline, dispute.date_deadline)
        notified = dispute.message_ids.filtered(lambda m: self.logistics_user.partner_id in m.partner_ids)
        self.assertTrue(notified, "the owner is notified in the chatter")

    def test_owner_and_salesperson_follow(self):
        dispute = self._create_dispute()
        followers = dispute.message_partner_ids
        self.assertIn(self.logistics_user.partner_id, followers)
        self.assertIn(self.salesman.partner_id, followers)

    def test_changing_the_reason_reroutes_and_moves_the_activity(self):
        dispute = self._create_dispute(reason=self.reason_damaged)
        dispute.with_user(self.finance).reason_id = self.reason_quality
        self.assertEqual(dispute.department_id, self.quality)
        self.assertEqual(dispute.user_id, self.quality_user)
        self.assertEqual(dispute.activity_ids.user_id, self.quality_user)

    def test_explicit_department_and_owner_are_kept(self):
        dispute = self._create_dispute(
            reason=self.reason_damaged, department_id=self.quality.id, user_id=self.quality_user.id
        )
        self.assertEqual(dispute.department_id, self.quality)
        self.assertEqual(dispute.user_id, self.quality_user)

    def test_opening_from_the_invoice_prefills_the_dispute(self):
        invoice = self._create_invoice(750.0)
        action = invoice.action_open_dispute()
        self.assertEqual(action["res_model"], "dispute.dispute")
        dispute = (
            self.env["dispute.dispute"].with_context(**action["context"]).create({"reason_id": self.reason_quality.id})
        )
        self.assertEqual(dispute.move_id, invoice)
        self.assertEqual(dispute.amount, 750.0)
        self.assertEqual(invoice.dispute_count, 1)
        self.assertTrue(invoice.in_dispute)
