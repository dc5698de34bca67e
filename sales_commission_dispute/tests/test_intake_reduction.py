from datetime import timedelta

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import date_utils

from odoo.addons.sales_commission_cash.tests.common import CommissionCommon


@tagged("post_install", "-at_install")
class TestIntakeReduction(CommissionCommon):
    """A plan takes a share of the period's commission per order of the salesperson confirmed
    in the period that failed an intake rule at confirmation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan.write({"early_bonus": 0.0, "intake_reduction_share": 5.0})
        cls.rule = (
            cls.env["credit.intake.rule"]
            .with_context(active_test=False)
            .search([("company_id", "=", cls.company.id), ("check", "=", "invoice_email"), ("team_id", "=", False)])
        )
        cls.rule.write({"active": True, "mode": "alert"})
        cls.complete = cls.env["res.partner"].create({"name": "Cave complète", "email": "cave@example.com"})
        cls.product = cls.env["product.product"].create({"name": "Fût", "list_price": 100.0, "taxes_id": []})
        cls.month = (date_utils.start_of(cls.today, "month"), date_utils.end_of(cls.today, "month"))
        # 2,000 collected in the month at 10 %: 200 of commission.
        cls._pay(cls._invoice(1000.0) | cls._invoice(1000.0))

    def _order(self, partner=None, user=None):
        order = self.env["sale.order"].create(
            {
                "partner_id": (partner or self.customer).id,
                "user_id": (user or self.seller).id,
                "order_line": [Command.create({"product_id": self.product.id, "price_unit": 100.0})],
            }
        )
        order.action_confirm()
        return order

    def _settle(self, user=None):
        settlement = self.env["commission.settlement"].create(
            {"user_id": (user or self.seller).id, "date_from": self.month[0], "date_to": self.month[1]}
        )
        settlement.with_user(self.manager).action_compute()
        return settlement

    def test_each_incomplete_order_takes_its_share(self):
        first, second = self._order(), self._order()
        self.assertEqual(first.credit_intake_failed_rule_ids, self.rule)
        self._order(partner=self.complete)  # complete: no reduction
        self._order(user=self.seller_2)  # another salesperson's
        cancelled = self._order()
        cancelled._action_cancel()
        last_month = self._order()
        last_month.date_order = self.month[0] - timedelta(days=3)
        settlement = self._settle()
        reductions = settlement.reduction_ids
        self.assertEqual(reductions.order_id, first | second)
        self.assertEqual(set(reductions.mapped("source")), {"intake"})
        self.assertEqual(reductions.mapped("share"), [5.0, 5.0])
        self.assertEqual(reductions.mapped("amount"), [-10.0, -10.0])
        self.assertEqual(reductions[0].intake_rule_ids, self.rule)
        self.assertIn(first.name, reductions[0].name)
        self.assertIn(self.rule.name, reductions[0].name)
        self.assertEqual(settlement.amount_earned, 200.0)
        self.assertEqual(settlement.amount_reduction, -20.0)
        self.assertEqual(settlement.amount_total, 180.0)

    def test_with_disputes_and_in_the_report(self):
        self.plan.dispute_reduction_share = 10.0
        department = self.env["dispute.department"].create({"name": "ADV (test)"})
        reason = self.env["dispute.reason"].create(
            {"name": "Wrong price (test)", "department_id": department.id, "order_entry_error": True}
        )
        self.env.user.groups_id |= self.env.ref("dispute_tracking.group_dispute_manager")
        self.env["dispute.dispute"].create(
            {"move_id": self._invoice(500.0).id, "amount": 100.0, "reason_id": reason.id}
        )
        order = self._order()
        settlement = self._settle()
        self.assertEqual(sorted(settlement.reduction_ids.mapped("amount")), [-20.0, -10.0])
        self.assertEqual(settlement.amount_total, 170.0)
        row = self.env["commission.report"].search([("reduction_id.order_id", "=", order.id)])
        self.assertEqual((row.reduction_amount, row.order_id, row.partner_id), (-10.0, order, self.customer))
        self.assertIn(
            "Wrong price",
            " ".join(self.env["commission.report"].search([("reduction_id", "!=", False)]).reduction_id.mapped("name")),
        )

    def test_no_share_no_reduction(self):
        self.plan.intake_reduction_share = 0.0
        self._order()
        self.assertEqual(self._settle().amount_total, 200.0)

    def test_share_between_0_and_100(self):
        for share in (-1.0, 100.01):
            with self.assertRaisesRegex(ValidationError, "between 0 and 100"):
                self.plan.intake_reduction_share = share
        self.plan.intake_reduction_share = 100.0
        self._order()
        self.assertEqual(self._settle().amount_total, 0.0)
