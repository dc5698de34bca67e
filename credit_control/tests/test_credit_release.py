from datetime import timedelta

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import CreditControlCommon


@tagged("post_install", "-at_install")
class TestCreditRelease(CreditControlCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_invoice(800.0, days_overdue=15)
        cls.order = cls._create_order(500.0)

    def _request_release(self, reason="Strategic customer, payment announced for Friday"):
        wizard = (
            self.env["credit.release.request"]
            .with_user(self.salesman)
            .create({"order_id": self.order.id, "reason": reason})
        )
        wizard.action_request()

    def _decide(self, decision, user=None, **values):
        wizard = (
            self.env["credit.decision.wizard"]
            .with_user(user or self.finance_2)
            .create(
                {
                    "partner_id": self.customer.id,
                    "order_id": self.order.id,
                    "decision": decision,
                    "reason": "Customer called, cheque on its way",
                    **values,
                }
            )
        )
        wizard.action_apply()
        return self.customer.credit_decision_ids[:1]

    def test_story_blocked_request_release_confirm(self):
        """Salesperson blocked, asks for a release; finance releases; the salesperson confirms."""
        order = self.order.with_user(self.salesman)
        with self.assertHold():
            order.action_confirm()
        self._request_release()
        self.assertEqual(self.order.credit_release_state, "requested")
        # The request reaches finance as a to-do on the customer.
        activity = self.customer.activity_ids.filtered(lambda a: self.order.name in a.summary)
        self.assertEqual(activity.user_id, self.finance)
        self.assertIn(self.order, self.customer.credit_release_order_ids)
        # Finance decides from the partner form.
        action = self.customer.with_user(self.finance_2).action_open_credit_decision()
        self.assertEqual(action["context"]["default_order_id"], self.order.id)
        decision = self._decide("release")
        self.assertEqual(decision.decision, "release")
        self.assertEqual(decision.user_id, self.finance_2)
        self.assertEqual(decision.released_amount, 500.0)
        self.assertEqual(decision.exposure, 800.0)
        self.assertFalse(self.customer.activity_ids.filtered(lambda a: self.order.name in a.summary))
        self.assertFalse(self.customer.credit_release_order_ids)
        order.action_confirm()
        self.assertEqual(self.order.state, "sale")

    def test_released_order_that_grows_is_checked_again(self):
        self._request_release()
        self._decide("release")
        self.order.order_line.price_unit = 600.0
        with self.assertHold("credit hold"):
            self.order.with_user(self.salesman).action_confirm()

    def test_temporary_limit_applies_then_reverts(self):
        self._request_release()
        until = self.today + timedelta(days=10)
        decision = self._decide("limit_temporary", new_limit=2000.0, limit_end_date=until)
        self.assertEqual((decision.limit_before, decision.limit_after), (1000.0, 2000.0))
        self.assertEqual(self.customer.credit_limit_effective, 2000.0)
        self.assertFalse(self.order.credit_release_state)
        self.order.with_user(self.salesman).action_confirm()
        self.assertEqual(self.order.state, "sale")
        # Once the end date has passed, the partner's own limit is back.
        self.customer.sudo().credit_limit_temporary_until = self.today - timedelta(days=1)
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.credit_limit_effective, 1000.0)
        self.env["res.partner"]._cron_expire_temporary_credit_limits()
        self.assertFalse(self.customer.credit_limit_temporary)
        self.assertEqual(self.customer.credit_decision_ids[:1].decision, "limit_expired")

    def test_permanent_limit(self):
        self._decide("limit_permanent", new_limit=5000.0)
        self.assertEqual(self.customer.credit_limit, 5000.0)
        self.order.with_user(self.salesman).action_confirm()

    def test_refusal_is_told_to_the_salesperson(self):
        self._request_release()
        self._decide("refuse")
        self.assertEqual(self.order.credit_release_state, "refused")
        refusal = self.order.message_ids.filtered(lambda m: "Credit decision" in (m.body or ""))
        self.assertIn(self.salesman.partner_id, refusal.notified_partner_ids)
        with self.assertHold():
            self.order.with_user(self.salesman).action_confirm()

    def test_prepayment_requested(self):
        self._request_release()
        self._decide("prepayment")
        self.assertEqual(self.order.credit_release_state, "prepayment")
        self.assertTrue(self.order.require_payment)
        self.assertEqual(self.order.prepayment_percent, 1.0)

    def test_cash_in_advance_decision(self):
        self._decide("cash_in_advance")
        self.assertTrue(self.customer.credit_cash_in_advance)
        self._decide("cash_in_advance_lifted")
        self.assertFalse(self.customer.credit_cash_in_advance)
        history = self.env["credit.decision"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(history.mapped("decision"), ["cash_in_advance_lifted", "cash_in_advance"])

    def test_salesperson_cannot_release_own_order_even_as_finance(self):
        self.order.user_id = self.finance
        with self.assertRaisesRegex(UserError, "another member of finance"):
            self._decide("release", user=self.finance)
        self.assertEqual(self.order.credit_release_state, False)
        self.assertFalse(self.customer.credit_decision_ids)

    def test_bad_inputs_are_refused_and_nothing_is_written(self):
        with self.assertRaisesRegex(UserError, "why this order"):
            self._request_release(reason="   ")
        with self.assertRaisesRegex(UserError, "reason of this decision"):
            self.env["credit.decision.wizard"].with_user(self.finance_2).create(
                {"partner_id": self.customer.id, "order_id": self.order.id, "decision": "release", "reason": " "}
            ).action_apply()
        with self.assertRaisesRegex(UserError, "in the past"):
            self._decide("limit_temporary", new_limit=2000.0, limit_end_date=self.today - timedelta(days=1))
        with self.assertRaisesRegex(UserError, "positive amount"):
            self._decide("limit_permanent", new_limit=-10.0)
        with self.assertRaises(ValidationError):
            self.customer.with_user(self.finance).credit_limit = -5.0
        self.order.action_cancel()
        with self.assertRaisesRegex(UserError, "only a quotation"):
            self._decide("release")
        self.assertFalse(self.customer.credit_decision_ids)
        self.assertEqual(self.customer.credit_limit, 1000.0)

    def test_cannot_release_a_confirmed_order(self):
        order = self._create_order(100.0)
        self.customer.with_user(self.finance).credit_limit = 10000.0
        order.action_confirm()
        with self.assertRaisesRegex(UserError, "only a quotation"):
            self.env["credit.decision.wizard"].with_user(self.finance_2).create(
                {"partner_id": self.customer.id, "order_id": order.id, "decision": "release", "reason": "ok"}
            ).action_apply()

    def test_request_only_for_held_orders_and_once(self):
        self._request_release()
        with self.assertRaisesRegex(UserError, "already requested"):
            self._request_release()
        small_customer = self.customer.copy({"name": "Small", "credit_limit": 0.0})
        free_order = self._create_order(10.0, partner=small_customer)
        with self.assertRaisesRegex(UserError, "not on credit hold"):
            self.env["credit.release.request"].with_user(self.salesman).create(
                {"order_id": free_order.id, "reason": "please"}
            ).action_request()

    def test_request_from_the_quotation_form(self):
        action = self.order.with_user(self.salesman).action_request_credit_release()
        form = Form(self.env["credit.release.request"].with_user(self.salesman).with_context(**action["context"]))
        form.reason = "Big order, customer pays on Friday"
        form.save().action_request()
        self.assertEqual(self.order.credit_release_state, "requested")
        self.assertEqual(self.order.credit_release_requested_by, self.salesman)
