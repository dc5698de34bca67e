from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import CreditControlCommon


@tagged("post_install", "-at_install")
class TestPaymentBehaviour(CreditControlCommon):
    """Known histories: invoices of 30 days' terms posted and paid at known dates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "credit_grade_basis": "days_late",
                "credit_grade_a_max": 0,
                "credit_grade_b_max": 10,
                "credit_grade_c_max": 30,
                "credit_grade_d_max": 60,
                "credit_grade_factor_c": 1.0,
            }
        )
        # (amount, invoiced days ago, paid days ago); due 30 days after the invoice.
        cls.history = [
            cls._paid_invoice(cls.customer, 1000.0, 100, 60),  # 10 days late
            cls._paid_invoice(cls.customer, 3000.0, 42, 14),  # 2 days early
            cls._paid_invoice(cls.customer, 2000.0, 270, 210),  # 30 days late
            cls._paid_invoice(cls.customer, 1000.0, 160, 120),  # 10 days late, 3 to 6 months ago
        ]
        cls.late_payer = cls.env["res.partner"].create({"name": "Mauvais Payeur", "is_company": True})
        cls._paid_invoice(cls.late_payer, 500.0, 150, 30)  # 90 days late

    @classmethod
    def _paid_invoice(cls, partner, amount, invoiced_ago, paid_ago):
        invoice_date = cls.today - timedelta(days=invoiced_ago)
        invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": invoice_date,
                "invoice_payment_term_id": False,
                "invoice_date_due": invoice_date + timedelta(days=30),
                "invoice_line_ids": [
                    Command.create({"name": "Crates", "quantity": 1, "price_unit": amount, "tax_ids": []})
                ],
            }
        )
        invoice.action_post()
        if paid_ago is not None:
            cls.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"payment_date": cls.today - timedelta(days=paid_ago)}).action_create_payments()
        return invoice

    def compute(self):
        self.env["credit.payment.behaviour"]._compute_payment_behaviour(self.company)

    def behaviour(self, partner=None):
        return self.env["credit.payment.behaviour"].search(
            [("partner_id", "=", (partner or self.customer).id), ("company_id", "=", self.company.id)]
        )

    def test_figures_on_known_history(self):
        self.compute()
        row = self.behaviour()
        self.assertEqual(len(row), 1)
        # Last 3 months: 1,000 paid 10 days late, 3,000 paid 2 days early.
        self.assertEqual(row.invoice_count_3, 2)
        self.assertAlmostEqual(row.terms_3, 30.0)
        self.assertAlmostEqual(row.days_late_3, (1000 * 10 - 3000 * 2) / 4000)
        self.assertAlmostEqual(row.payment_index_3, 31.0)
        self.assertAlmostEqual(row.late_share_3, 25.0)
        # Six months add the 1,000 paid 10 days late 120 days ago.
        self.assertEqual(row.invoice_count_6, 3)
        self.assertAlmostEqual(row.payment_index_6, 30 + 14000 / 5000)
        self.assertAlmostEqual(row.late_share_6, 40.0)
        # Twelve months add the 2,000 paid 30 days late.
        self.assertEqual(row.invoice_count_12, 4)
        self.assertAlmostEqual(row.days_late_12, 74000 / 7000)
        self.assertAlmostEqual(row.payment_index_12, 30 + 74000 / 7000)
        self.assertAlmostEqual(row.late_share_12, 400 / 7)
        # Trend: 31 days over the last 3 months against 40 the 3 before.
        self.assertAlmostEqual(row.payment_index_prev_3, 40.0)
        self.assertAlmostEqual(row.trend_days, -9.0)
        self.assertEqual(row.trend, "better")
        self.assertEqual(row.sales_volume, 7000.0)
        self.assertEqual(row.invoiced_count, 4)

    def test_grade_and_proposed_limit(self):
        self.compute()
        row = self.behaviour()
        # 10.57 days late on average: above B's 10, within C's 30.
        self.assertEqual(row.grade, "C")
        # 7,000 / 365 x (30 + 10.57) x 1.0 = 778.08, rounded up to the hundred.
        self.assertEqual(row.proposal, "limit")
        self.assertEqual(row.proposed_limit, 800.0)
        self.assertIn("7,000.00", row.proposal_reason)
        self.assertEqual(self.customer.credit_grade, "C")
        self.assertEqual(self.customer.credit_proposed_limit, 800.0)
        # On the payment index instead: 40.57 days is a D with thresholds up to 60.
        self.company.credit_grade_basis = "index"
        self.compute()
        self.assertEqual(row.grade, "D")
        self.assertEqual(row.proposed_limit, 400.0)  # 778.08 x 0.5 = 389.04

    def test_late_payer_proposed_cash_in_advance(self):
        self.compute()
        row = self.behaviour(self.late_payer)
        self.assertEqual(row.grade, "E")
        self.assertEqual(row.proposal, "cash_in_advance")
        self.assertEqual(row.late_share_12, 100.0)
        row.with_user(self.finance).action_apply_proposal()
        self.assertTrue(self.late_payer.with_company(self.company).credit_cash_in_advance)
        decision = self.late_payer.credit_decision_ids
        self.assertEqual(decision.decision, "cash_in_advance")
        self.assertIn("Grade E", decision.reason)
        with self.assertRaisesRegex(UserError, "already on cash in advance"):
            row.with_user(self.finance).action_apply_proposal()

    def test_apply_proposed_limit_records_a_decision(self):
        self.compute()
        self.customer.with_user(self.finance).action_apply_credit_proposal()
        self.assertEqual(self.customer.credit_limit, 800.0)
        decision = self.customer.credit_decision_ids
        self.assertEqual(len(decision), 1)
        self.assertRecordValues(
            decision,
            [{"decision": "limit_permanent", "limit_before": 1000.0, "limit_after": 800.0, "user_id": self.finance.id}],
        )
        self.assertIn("Proposal applied: Grade C", decision.reason)
        with self.assertRaisesRegex(UserError, "already the proposed one"):
            self.customer.with_user(self.finance).action_apply_credit_proposal()

    def test_apply_keeps_four_eyes(self):
        """Finance does not loosen the limit of a customer whose held order they sell."""
        self.compute()
        self.customer.credit_limit = 100.0
        order = self._create_order(500.0, user=self.finance)
        self.env["credit.release.request"].with_user(self.finance).create(
            {"order_id": order.id, "reason": "Good customer"}
        ).action_request()
        self.assertEqual(order.credit_release_state, "requested")
        with self.assertRaisesRegex(UserError, "another member of finance"):
            self.customer.with_user(self.finance).action_apply_credit_proposal()
        self.assertEqual(self.customer.credit_limit, 100.0)
        self.customer.with_user(self.finance_2).action_apply_credit_proposal()
        self.assertEqual(self.customer.credit_limit, 800.0)

    def test_promises_kept(self):
        policy = self.env["credit.dunning.policy"]._get_company_default(self.company)
        stage = policy.stage_ids.filtered(lambda s: not s.is_preventive)[:1]
        common = {"partner_id": self.customer.id, "company_id": self.company.id, "policy_id": policy.id}
        self.env["credit.dunning.action"].create(
            [
                {
                    **common,
                    "stage_id": stage.id,
                    "channel": "phone",
                    "date": self.today - timedelta(days=70),
                    "state": "done",
                    "outcome": "promise",
                    "promise_date": self.today - timedelta(days=65),  # paid 60 days ago: broken
                    "move_ids": [Command.set(self.history[0].ids)],
                },
                {
                    **common,
                    "stage_id": stage.id,
                    "channel": "email",
                    "date": self.today - timedelta(days=20),
                    "state": "done",
                    "outcome": "promise",
                    "promise_date": self.today - timedelta(days=14),  # paid that day: kept
                    "move_ids": [Command.set(self.history[1].ids)],
                },
            ]
        )
        self.compute()
        row = self.behaviour()
        self.assertEqual((row.promise_count, row.promise_kept_count), (2, 1))

    def test_fallen_grade_flagged_once(self):
        activity_type = self.env.ref("credit_control.mail_activity_credit_grade_fallen")

        def flags():
            return self.env["mail.activity"].search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "=", self.customer.id),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )

        self.company.credit_grade_b_max = 11
        self.compute()
        self.assertEqual(self.behaviour().grade, "B")
        self.compute()
        self.assertFalse(flags(), "no fall, no to-do")
        self.company.credit_grade_b_max = 10
        self.compute()
        self.assertEqual(self.behaviour().grade, "C")
        self.assertEqual(len(flags()), 1)
        self.assertEqual(flags().user_id, self.finance)
        self.assertIn("fell from B to C", flags().summary)
        self.company.write({"credit_grade_b_max": 5, "credit_grade_c_max": 10})
        self.compute()
        self.assertEqual(self.behaviour().grade, "D")
        self.assertEqual(len(flags()), 1, "the open to-do is not duplicated")

    def test_rows_replaced(self):
        self.compute()
        row = self.behaviour()
        self.history[2].button_draft()
        self.history[2].button_cancel()
        self.compute()
        self.assertEqual(self.behaviour(), row, "the row is updated in place")
        self.assertEqual(row.invoice_count_12, 3)
        self.env["account.move"].search([("partner_id", "=", self.late_payer.id)]).button_draft()
        self.compute()
        self.assertFalse(self.behaviour(self.late_payer), "a customer without invoices any more has no row")

    def test_bad_thresholds(self):
        with self.assertRaisesRegex(ValidationError, "must rise from A to D"):
            self.company.credit_grade_b_max = 40
        with self.assertRaisesRegex(ValidationError, "must rise from A to D"):
            self.company.credit_grade_c_max = 10
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.company.credit_grade_factor_a = -1

    def test_access_per_role(self):
        self.compute()
        as_salesman = self.customer.with_user(self.salesman)
        self.assertEqual(as_salesman.credit_grade, "C", "salespeople see the grade")
        with self.assertRaises(AccessError):
            as_salesman.read(["credit_proposed_limit"])
        with self.assertRaises(AccessError):
            self.behaviour().with_user(self.salesman).read(["payment_index_12"])
        with self.assertRaises(AccessError):
            self.env["credit.payment.behaviour"].with_user(self.salesman).action_compute_payment_behaviour()
        # The billing clerk reads the figures, does not apply them nor compute them.
        self.assertEqual(self.behaviour().with_user(self.billing).grade, "C")
        with self.assertRaises(AccessError):
            self.behaviour().with_user(self.billing).action_apply_proposal()
        with self.assertRaises(AccessError):
            self.env["credit.payment.behaviour"].with_user(self.billing).action_compute_payment_behaviour()
        self.env["credit.payment.behaviour"].with_user(self.finance).action_compute_payment_behaviour()
