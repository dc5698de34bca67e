from datetime import timedelta

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import date_utils

from .common import CommissionCommon


@tagged("post_install", "-at_install")
class TestCommissionPlans(CommissionCommon):
    def _tiered_plan(self, **values):
        """5 % up to 1,000 collected in the month, 10 % from 1,000 to 3,000, 15 % above."""
        return self.env["commission.plan"].create(
            {
                "name": "Tiers",
                "sequence": 1,
                "rate": 5.0,
                "user_ids": [Command.set(self.seller.ids)],
                "tier_ids": [
                    Command.create({"amount_from": 1000.0, "amount_to": 3000.0, "rate": 10.0}),
                    Command.create({"amount_from": 3000.0, "rate": 15.0}),
                ],
                **values,
            }
        )

    def test_tiers_apply_to_the_period_collections(self):
        self._tiered_plan()
        # Due in 30 days, paid 40 days late: no timing bonus nor reduction.
        first = self._invoice(800.0, date=self.today - timedelta(days=70))
        second = self._invoice(1500.0, date=self.today - timedelta(days=70))
        third = self._invoice(1200.0, date=self.today - timedelta(days=70))
        self._pay(first, date=self.today - timedelta(days=31))
        self._pay(second, date=self.today - timedelta(days=31))
        # 800 at 5 %; then 200 at 5 % and 1,300 at 10 %.
        self.assertAlmostEqual(self._lines(first).amount, 40.0)
        self.assertAlmostEqual(self._lines(second).amount, 140.0)
        self._pay(third, date=self.today - timedelta(days=31))
        # 700 at 10 % up to 3,000, then 500 at 15 %.
        self.assertAlmostEqual(self._lines(third).amount, 145.0)

    def test_tiers_restart_each_period(self):
        self._tiered_plan(tier_period="month")
        invoice = self._invoice(2000.0, date=self.today - timedelta(days=120), due_in=100)
        last_month = self.today.replace(day=1) - timedelta(days=1)
        self._pay(invoice, amount=1200.0, date=last_month)
        self._pay(invoice, amount=1200.0, date=self.today)
        earlier, later = self._lines(invoice)
        # 1,000 untaxed each time: every month starts again at 5 %.
        self.assertAlmostEqual(earlier.amount, 50.0)
        self.assertAlmostEqual(later.amount, 50.0)

    def test_quarterly_tiers_add_up_the_months(self):
        self._tiered_plan(tier_period="quarter")
        quarter_start = date_utils.start_of(self.today, "quarter")
        invoice = self._invoice(2000.0, date=quarter_start - timedelta(days=10), due_in=100)
        self._pay(invoice, amount=1200.0, date=quarter_start)
        self._pay(invoice, amount=1200.0, date=self.today)
        earlier, later = self._lines(invoice)
        # The second 1,000 of the quarter is in the 10 % tier, whatever its month.
        self.assertAlmostEqual(earlier.amount, 50.0)
        self.assertAlmostEqual(later.amount, 100.0)

    def test_bonus_comes_on_top_of_tiers(self):
        self._tiered_plan(early_bonus=1.0)
        invoice = self._invoice(2000.0)
        self._pay(invoice)
        # 1,000 at 5 % + 1,000 at 10 %, plus one point on 2,000.
        self.assertAlmostEqual(self._lines(invoice).amount, 170.0)

    def test_overlapping_tiers_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "overlap"):
            self._tiered_plan(
                tier_ids=[
                    Command.create({"amount_from": 0.0, "amount_to": 2000.0, "rate": 5.0}),
                    Command.create({"amount_from": 1500.0, "rate": 10.0}),
                ]
            )

    def test_tier_rate_outside_range_is_refused(self):
        with self.assertRaises(ValidationError):
            self._tiered_plan(tier_ids=[Command.create({"amount_from": 0.0, "rate": 150.0})])

    def test_team_plan_applies_to_its_members(self):
        team = self.env["crm.team"].create(
            {"name": "Export", "member_ids": [Command.set(self.seller_2.ids)], "company_id": self.company.id}
        )
        self.env["commission.plan"].create({"name": "Export", "rate": 4.0, "team_ids": [Command.set(team.ids)]})
        exported = self._invoice(user=self.seller_2, date=self.today - timedelta(days=40), due_in=35)
        local = self._invoice(date=self.today - timedelta(days=40), due_in=35)
        self._pay(exported | local)
        self.assertAlmostEqual(self._lines(exported).rate, 4.0)
        self.assertAlmostEqual(self._lines(local).rate, 10.0)

    def test_salesperson_plan_comes_before_team_plan(self):
        team = self.env["crm.team"].create(
            {"name": "Export", "member_ids": [Command.set(self.seller_2.ids)], "company_id": self.company.id}
        )
        self.env["commission.plan"].create(
            {"name": "Export", "rate": 4.0, "sequence": 1, "team_ids": [Command.set(team.ids)]}
        )
        self.env["commission.plan"].create(
            {"name": "Paul", "rate": 6.0, "sequence": 50, "user_ids": [Command.set(self.seller_2.ids)]}
        )
        invoice = self._invoice(user=self.seller_2, date=self.today - timedelta(days=40), due_in=35)
        self._pay(invoice)
        self.assertAlmostEqual(self._lines(invoice).rate, 6.0)

    def test_archived_plan_is_ignored(self):
        self.plan.active = False
        invoice = self._invoice()
        self._pay(invoice)
        self.assertFalse(self._lines(invoice))

    def _paid_last_month_then_unreconciled_and_reconciled_again(self, validate_last_month=False):
        """2,000 untaxed paid on the last day of last month: 1,000 at 5 % + 1,000 at 10 %."""
        self._tiered_plan()
        last_month = self.today.replace(day=1) - timedelta(days=1)
        invoice = self._invoice(2000.0, date=last_month - timedelta(days=10), due_in=100)
        payment = self._pay(invoice, date=last_month)
        self.assertAlmostEqual(self._lines(invoice).amount, 150.0)
        if validate_last_month:
            settlement = self.env["commission.settlement"]._generate_for_period(last_month.replace(day=1), last_month)
            settlement.action_validate()
        receivable = (payment.move_id | invoice).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        receivable.remove_move_reconcile()
        receivable.reconcile()
        return invoice, last_month

    def test_clawback_and_reconciliation_again_count_once_in_the_tier_period(self):
        invoice, last_month = self._paid_last_month_then_unreconciled_and_reconciled_again()
        earned, clawback, again = self._lines(invoice)
        self.assertEqual((clawback.kind, clawback.date, clawback.amount), ("clawback", last_month, -150.0))
        # The month's collections are 2,000, not 4,000: the new earning is tiered as the first.
        self.assertEqual((again.kind, again.date, again.amount), ("earned", last_month, 150.0))
        self.assertAlmostEqual(sum((earned | clawback | again).mapped("collected")), 2000.0)

    def test_clawback_and_reconciliation_again_after_a_validated_period(self):
        """Last month is settled: both corrections go to the first day of this month, and
        the tiers still count the payment once in the month it was collected."""
        invoice, last_month = self._paid_last_month_then_unreconciled_and_reconciled_again(validate_last_month=True)
        earned, clawback, again = self._lines(invoice)
        self.assertEqual((earned | clawback | again).mapped("amount"), [150.0, -150.0, 150.0])
        first_open_day = last_month + timedelta(days=1)
        self.assertEqual((earned.date, earned.amount), (last_month, 150.0))
        self.assertEqual(
            (clawback.date, clawback.collection_date, clawback.amount), (first_open_day, last_month, -150.0)
        )
        self.assertEqual((again.date, again.collection_date, again.amount), (first_open_day, last_month, 150.0))
