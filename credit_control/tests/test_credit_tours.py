from odoo.tests import HttpCase, tagged

from .common import CreditControlCommon


@tagged("post_install", "-at_install")
class TestCreditTours(CreditControlCommon, HttpCase):
    """The journeys of a held order in the web client (headless Chromium): tours in
    credit_control/static/tests/tours/credit_release_tours.js."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 800 overdue + a quotation of 500, for a limit of 1,000: held.
        cls._create_invoice(800.0, days_overdue=15)
        cls.order = cls._create_order(500.0)
        for user in (cls.salesman, cls.finance):
            user.password = user.login

    def test_tour_1_salesperson_blocked_requests_a_release(self):
        self.start_tour(f"/odoo/sale.order/{self.order.id}", "credit_control_release_request", login="cc_sam")
        self.assertEqual(self.order.credit_release_state, "requested")
        self.assertEqual(self.order.credit_release_requested_by, self.salesman)
        self.assertIn("Payment announced for Friday", self.order.credit_release_reason)
        self.assertEqual(self.order.state, "draft")

    def test_tour_2_finance_raises_the_limit_and_the_salesperson_confirms(self):
        self.order.with_user(self.salesman)._credit_request_release("Payment announced for Friday")
        self.start_tour(f"/odoo/res.partner/{self.customer.id}", "credit_control_release_decision", login="cc_fiona")
        decision = self.customer.credit_decision_ids[:1]
        self.assertEqual(decision.decision, "limit_temporary")
        self.assertEqual(decision.user_id, self.finance)
        self.assertEqual(self.customer.credit_limit_temporary, 1300.0)
        self.assertTrue(self.customer.credit_limit_temporary_until)
        self.assertFalse(self.order.credit_release_state)
        self.start_tour(f"/odoo/sale.order/{self.order.id}", "credit_control_release_confirm", login="cc_sam")
        self.assertEqual(self.order.state, "sale")
