import json
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import format_date

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

    # ------------------------------------------------------------------
    # Kept up to date at reconciliation
    # ------------------------------------------------------------------
    def _pay(self, invoices, paid_ago=0):
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoices.ids).create(
            {"payment_date": self.today - timedelta(days=paid_ago)}
        ).action_create_payments()

    def test_recomputed_when_an_invoice_is_paid(self):
        self.compute()
        self.env.cr.precommit.run()
        late_payer_row = self.behaviour(self.late_payer)
        computed = late_payer_row.computed_date
        invoice = self._paid_invoice(self.customer, 4000.0, 230, None)
        self._pay(invoice)  # 200 days late
        self.assertEqual(self.behaviour().invoice_count_12, 4, "recomputed once, before the commit")
        self.env.cr.precommit.run()
        row = self.behaviour()
        self.assertEqual(row.invoice_count_12, 5)
        self.assertAlmostEqual(row.days_late_12, (74000 + 800000) / 11000)
        self.assertEqual((row.previous_grade, row.grade), ("C", "E"))
        self.assertEqual(late_payer_row.computed_date, computed, "only the customers paid are recomputed")
        self.assertEqual(self.customer.credit_grade, "E")
        # Unreconciled: recomputed again.
        invoice.line_ids.filtered(lambda line: line.display_type == "payment_term").remove_move_reconcile()
        self.env.cr.precommit.run()
        self.assertEqual(row.invoice_count_12, 4)

    def test_reconciliation_cost_constant(self):
        """The recomputation at the commit costs as many queries for one invoice paid as for many."""
        partners = self.env["res.partner"].create([{"name": f"Payeur {n}", "is_company": True} for n in range(9)])
        invoices = [self._paid_invoice(partner, 100.0, 45, None) for partner in partners]
        self.env.cr.precommit.run()
        counts = []
        for batch in (invoices[0], invoices[1], invoices[2] + invoices[3] + invoices[4] + invoices[5] + invoices[6]):
            self._pay(batch)
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            self.env.cr.precommit.run()
            counts.append(self.env.cr.sql_log_count - before)
            self.assertTrue(all(self.behaviour(partner).invoice_count_12 == 1 for partner in batch.partner_id))
        self.assertEqual(counts[1], counts[2], f"queries for 1 invoice then 5 (after a first one): {counts}")
        self.assertFalse(self.behaviour(partners[8]), "a customer not paid is not computed")

    # ------------------------------------------------------------------
    # Capped by the insurance cover
    # ------------------------------------------------------------------
    def test_proposed_limit_capped_by_insurance_cover(self):
        insurer = self.env["res.partner"].create({"name": "Assurcrédit", "is_company": True})
        cover = self.env["credit.insurance.cover"].create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "insurer_id": insurer.id,
                "amount_requested": 1000.0,
                "amount_granted": 500.0,
                "state": "reduced",
                "date_start": self.today - timedelta(days=10),
            }
        )
        self.compute()
        row = self.behaviour()
        self.assertEqual((row.proposed_limit, row.insurance_cap), (800.0, 0.0), "the company does not limit by cover")
        self.assertNotIn("insurance", row.proposal_reason)
        self.company.credit_insurance_limit = True
        self.compute()
        self.assertEqual((row.proposal, row.proposed_limit, row.insurance_cap), ("limit", 500.0, 500.0))
        self.assertIn("Capped by the insurance cover granted: $", row.proposal_reason)
        self.assertIn("500.00", row.proposal_reason)
        cover.amount_granted = 5000.0
        self.compute()
        self.assertEqual((row.proposed_limit, row.insurance_cap), (800.0, 0.0), "a cover above the proposal")
        cover.write({"amount_granted": 500.0, "date_end": self.today - timedelta(days=1)})
        self.compute()
        self.assertEqual(row.proposed_limit, 800.0, "a cover no longer in force caps nothing")
        cover.write({"date_end": False, "state": "refused"})
        self.compute()
        self.assertEqual(row.proposed_limit, 800.0, "a refused cover caps nothing")

    # ------------------------------------------------------------------
    # Grade falls: finance's to-dos, once per fall
    # ------------------------------------------------------------------
    def _todos(self, partner, xmlid):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", partner.id),
                ("activity_type_id", "=", self.env.ref(xmlid).id),
            ]
        )

    def test_fall_flagged_once_even_when_done(self):
        self.company.credit_grade_b_max = 11
        self.compute()
        self.company.credit_grade_b_max = 10
        self.compute()
        todo = self._todos(self.customer, "credit_control.mail_activity_credit_grade_fallen")
        self.assertEqual(len(todo), 1)
        todo.action_feedback("Limit reviewed")
        for _night in range(2):
            self.compute()
        self.assertFalse(
            self._todos(self.customer, "credit_control.mail_activity_credit_grade_fallen"),
            "the nights after do not repeat a fall already handled",
        )

    def test_repeated_lateness_proposes_cash_in_advance_as_dunning(self):
        self.compute()
        proposal = self._todos(self.late_payer, "credit_control.mail_activity_dunning_cash_in_advance")
        self.assertEqual(len(proposal), 1, "grade E: dunning's proposal of cash in advance to finance")
        self.assertEqual(proposal.summary, "Put Mauvais Payeur on cash in advance?")
        self.assertEqual(proposal.user_id, self.finance)
        self.assertIn("repeated lateness", proposal.note)
        self.assertFalse(self._todos(self.customer, "credit_control.mail_activity_dunning_cash_in_advance"))
        self.compute()
        proposal.action_feedback("Called them")
        self.compute()
        self.assertFalse(
            self._todos(self.late_payer, "credit_control.mail_activity_dunning_cash_in_advance"), "not each night"
        )

    # ------------------------------------------------------------------
    # By month: the chart of the credit tab
    # ------------------------------------------------------------------
    def test_figures_by_month(self):
        months = self.env["credit.payment.behaviour.month"].search(
            [("partner_id", "=", self.customer.id), ("company_id", "=", self.company.id)]
        )
        by_month = {row.month: row for row in months}
        sixty_days_ago = fields.Date.start_of(self.today - timedelta(days=60), "month")
        self.assertEqual(len(months), 4, "one row per month of payment")
        self.assertRecordValues(
            by_month[sixty_days_ago],
            [
                {
                    "invoice_count": 1,
                    "amount_paid": 1000.0,
                    "days_late": 10.0,
                    "payment_index": 40.0,
                    "late_share": 100.0,
                }
            ],
        )
        fortnight = by_month[fields.Date.start_of(self.today - timedelta(days=14), "month")]
        self.assertEqual((fortnight.days_late, fortnight.late_share), (-2.0, 0.0))
        bars = json.loads(self.customer.with_user(self.billing).credit_payment_chart)[0]["values"]
        self.assertEqual(len(bars), 12, "the last 12 months, this one last")
        self.assertEqual(bars[-1]["label"], format_date(self.env, self.today, date_format="MMM yy"))
        by_label = {bar["label"]: bar for bar in bars}
        label = format_date(self.env, sixty_days_ago, date_format="MMM yy")
        self.assertEqual(by_label[label], {"label": label, "value": 10.0, "type": "past"})
        self.assertEqual(sum(1 for bar in bars if bar["type"] != "none"), 4)
        action = self.customer.with_user(self.billing).action_open_credit_payment_months()
        self.assertEqual(
            self.env["credit.payment.behaviour.month"].with_user(self.billing).search(action["domain"]), months
        )
        # Salespeople see the grade, not the figures behind it.
        with self.assertRaises(AccessError):
            self.customer.with_user(self.salesman).read(["credit_payment_chart"])
        with self.assertRaises(AccessError):
            self.env["credit.payment.behaviour.month"].with_user(self.salesman).search([])

    def test_credit_tab_shows_the_chart(self):
        form = self.env["res.partner"].with_user(self.billing).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('widget="dashboard_graph"', form)
        self.assertIn("action_open_credit_payment_months", form)
        salesman_form = self.env["res.partner"].with_user(self.salesman).get_views([(False, "form")])
        self.assertNotIn("credit_payment_chart", salesman_form["views"]["form"]["arch"])
