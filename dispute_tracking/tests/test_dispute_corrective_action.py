from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import date_utils, mute_logger

from .common import DisputeCommon


@tagged("post_install", "-at_install")
class TestCorrectiveAction(DisputeCommon):
    """Disputes of the same cause reaching the threshold in a period raise one corrective
    action for the department's manager; the register tells whether the cause then fell."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reason_damaged.write(
            {"recurrence_tracking": True, "recurrence_threshold": 3, "recurrence_group_by": "salesperson"}
        )
        cls.Action = cls.env["dispute.corrective.action"]
        cls.month_start = date_utils.start_of(cls.today, "month")

    def _disputes(self, count, salesperson=None, reason=None):
        """``count`` disputes, each on an invoice of product_a."""
        disputes = self.env["dispute.dispute"]
        for _i in range(count):
            invoice = self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "invoice_user_id": (salesperson or self.salesman).id,
                    "invoice_line_ids": [
                        Command.create({"product_id": self.product_a.id, "price_unit": 1000.0, "tax_ids": []})
                    ],
                }
            )
            invoice.action_post()
            disputes |= self._create_dispute(invoice=invoice, reason=reason)
        return disputes

    def _actions(self):
        return self.Action.search([("reason_id", "in", (self.reason_damaged | self.reason_quality).ids)])

    def test_threshold_reached_raises_one_action_for_the_manager(self):
        self._disputes(2)
        self.assertFalse(self._actions(), "two disputes stay under the threshold of three")
        self._disputes(1)
        action = self._actions()
        self.assertEqual(len(action), 1)
        self.assertEqual(action.department_id, self.logistics)
        self.assertEqual(action.salesperson_id, self.salesman)
        self.assertEqual(action.period_start, self.month_start)
        self.assertEqual(action.dispute_count, 3)
        self.assertEqual(action.user_id, self.logistics_manager)
        self.assertEqual(action.state, "open")
        self.assertIn("Sam Sales", action.cause)
        todo = action.activity_ids
        self.assertEqual(todo.user_id, self.logistics_manager)
        self.assertEqual(todo.activity_type_id, self.env.ref("dispute_tracking.mail_activity_corrective_action"))
        # A fourth dispute, or the cron, raises no duplicate for the same cause and period.
        self._disputes(1)
        self.Action._cron_raise_corrective_actions()
        self.assertEqual(self._actions(), action)
        self.assertEqual(action.count_before, 4)

    def test_causes_are_counted_apart(self):
        """Another salesperson, or a product when the reason groups by product, is another cause."""
        self._disputes(2)
        self._disputes(2, salesperson=self.salesman_2)
        self.assertFalse(self._actions())
        self.reason_damaged.recurrence_group_by = "product"
        self.Action._cron_raise_corrective_actions()
        action = self._actions()
        self.assertEqual(len(action), 1, "the four disputes are about the same product")
        self.assertEqual(action.product_id, self.product_a)
        self.assertFalse(action.salesperson_id)

    def test_department_setting_applies_when_the_reason_has_none(self):
        self.reason_damaged.recurrence_tracking = False
        self.logistics.write({"recurrence_tracking": True, "recurrence_threshold": 2})
        self._disputes(2)
        self.assertEqual(len(self._actions()), 1)

    def test_rejected_disputes_are_no_dysfunction(self):
        disputes = self._disputes(2)
        disputes[0].action_reject()
        self._disputes(1)
        self.assertFalse(self._actions())

    def test_cron_counts_a_past_period_in_one_query(self):
        self.reason_damaged.recurrence_tracking = False
        disputes = self._disputes(3) | self._disputes(3, salesperson=self.salesman_2)
        for dispute in disputes:
            self._backdate(dispute, (self.today - (self.month_start - relativedelta(months=1))).days)
        self.reason_damaged.recurrence_tracking = True
        self.Action._cron_raise_corrective_actions()
        actions = self._actions()
        self.assertEqual(actions.salesperson_id, self.salesman | self.salesman_2)
        self.assertEqual(set(actions.mapped("period_start")), {self.month_start - relativedelta(months=1)})
        # Run again, the detection costs the same few queries (one aggregate), however many disputes.
        self.env.flush_all()
        with self.assertQueryCount(2):
            self.assertFalse(self.Action._cron_raise_corrective_actions())

    def test_register_shows_whether_the_cause_fell(self):
        before = self._disputes(3)
        action = self._actions()
        self.assertEqual(action.trend, "pending")
        with self.assertRaisesRegex(UserError, "Write the action decided"):
            action.action_done()
        action.action = "Strap the pallets; photo before loading."
        action.action_done()
        self.assertTrue(action.date_done)
        # Dates are kept to the second: put the action a minute after the disputes before it.
        for dispute in before:
            dispute.date_open = dispute.date_open - timedelta(minutes=2)
        action.date_done = action.date_done - timedelta(minutes=1)
        self.assertFalse(action.activity_ids, "the to-do is done")
        self.assertEqual((action.count_before, action.count_after, action.trend), (3, 0, "fell"))
        self._disputes(2)
        action.invalidate_recordset(["count_before", "count_after", "trend"])
        self.assertEqual((action.count_before, action.count_after, action.trend), (3, 2, "fell"))
        self._disputes(1)
        action.invalidate_recordset(["count_before", "count_after", "trend"])
        self.assertEqual((action.count_before, action.count_after, action.trend), (3, 3, "not_fallen"))
        self.assertEqual(self._actions(), action, "no second action for the same cause and period")

    def test_threshold_must_be_positive(self):
        for record in (self.reason_damaged, self.logistics):
            for threshold in (0, -2):
                with self.assertRaisesRegex(ValidationError, "at least 1 dispute"), mute_logger("odoo.sql_db"):
                    record.recurrence_threshold = threshold
                    record.flush_recordset()

    def test_access(self):
        self._disputes(3)
        action = self._actions()
        self._disputes(3, reason=self.reason_quality)  # no tracking on quality: nothing raised
        self.reason_quality.write({"recurrence_tracking": True, "recurrence_threshold": 3})
        self.Action._cron_raise_corrective_actions()
        quality_action = self._actions() - action
        self.assertEqual(quality_action.department_id, self.quality)
        # Department users read their department's, and only the manager records it.
        self.assertEqual(self.Action.with_user(self.logistics_user).search([("id", "in", self._actions().ids)]), action)
        with self.assertRaises(AccessError):
            action.with_user(self.logistics_user).write({"action": "Nothing"})
        with self.assertRaises(AccessError):
            quality_action.with_user(self.logistics_user).read(["name"])
        action.with_user(self.logistics_manager).write({"action": "Strap the pallets"})
        with self.assertRaises(AccessError):
            quality_action.with_user(self.logistics_manager).write({"action": "Not mine"})
        # Finance edits all; salespeople see none.
        quality_action.with_user(self.finance).write({"action": "Inspect before shipping"})
        with self.assertRaises(AccessError):
            self.Action.with_user(self.salesman).search([])
        with self.assertRaises(AccessError):
            self.Action.with_user(self.logistics_manager).create(
                {"reason_id": self.reason_damaged.id, "department_id": self.logistics.id, "period_start": self.today}
            )
        self.assertTrue(self.quality_user.has_group("dispute_tracking.group_dispute_user"))
        self.logistics.member_ids = [Command.unlink(self.logistics_user.id)]
        self.assertFalse(self.Action.with_user(self.logistics_user).search([("id", "=", action.id)]))
