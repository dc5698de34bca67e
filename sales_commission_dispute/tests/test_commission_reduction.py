from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools import date_utils

from odoo.addons.sales_commission_cash.tests.common import CommissionCommon


@tagged("post_install", "-at_install")
class TestCommissionReduction(CommissionCommon):
    """A plan takes a share of the period's commission per dispute caused by an order-entry
    error on the salesperson's invoices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id |= cls.env.ref("dispute_tracking.group_dispute_manager")
        cls.plan.write({"early_bonus": 0.0, "dispute_reduction_share": 10.0})
        department = cls.env["dispute.department"].create({"name": "Sales administration (test)"})
        Reason = cls.env["dispute.reason"]
        cls.reason_entry = Reason.create(
            {"name": "Wrong price entered (test)", "department_id": department.id, "order_entry_error": True}
        )
        cls.reason_damaged = Reason.create({"name": "Damaged (test)", "department_id": department.id})
        cls.month = (date_utils.start_of(cls.today, "month"), date_utils.end_of(cls.today, "month"))
        # 2,000 collected in the month at 10 %: 200 of commission.
        cls._pay(cls._invoice(1000.0) | cls._invoice(1000.0))

    def _dispute(self, reason=None, user=None):
        invoice = self._invoice(500.0, user=user)
        return self.env["dispute.dispute"].create(
            {"move_id": invoice.id, "amount": 100.0, "reason_id": (reason or self.reason_entry).id}
        )

    def _settle(self, user=None):
        settlement = self.env["commission.settlement"].create(
            {"user_id": (user or self.seller).id, "date_from": self.month[0], "date_to": self.month[1]}
        )
        settlement.with_user(self.manager).action_compute()
        return settlement

    def test_each_order_entry_dispute_takes_its_share(self):
        first, second = self._dispute(), self._dispute()
        self._dispute(reason=self.reason_damaged)  # not an order-entry error
        self._dispute().action_reject()  # the customer was wrong
        self._dispute(user=self.seller_2)  # another salesperson's
        settlement = self._settle()
        self.assertEqual(settlement.amount_earned, 200.0)
        self.assertEqual(settlement.reduction_ids.dispute_id, first | second)
        self.assertEqual(settlement.reduction_ids.mapped("amount"), [-20.0, -20.0])
        self.assertEqual(settlement.reduction_ids.mapped("share"), [10.0, 10.0])
        self.assertIn(first.name, settlement.reduction_ids[0].name)
        self.assertIn("Wrong price entered", settlement.reduction_ids[0].name)
        self.assertEqual(settlement.amount_reduction, -40.0)
        self.assertEqual(settlement.amount_total, 160.0)
        # Computed again, the reductions are replaced, not added.
        settlement.action_validate()
        self.assertEqual(len(settlement.reduction_ids), 2)
        self.assertEqual(settlement.amount_total, 160.0)

    def test_report_shows_the_reductions(self):
        self._dispute()
        settlement = self._settle()
        Report = self.env["commission.report"]
        groups = Report._read_group(
            [("user_id", "=", self.seller.id)], [], ["commission_amount:sum", "reduction_amount:sum"]
        )
        self.assertEqual(groups, [(180.0, -20.0)])
        row = Report.search([("reduction_id", "!=", False)])
        self.assertEqual(row.reduction_id, settlement.reduction_ids)
        self.assertEqual(row.move_id, settlement.reduction_ids.move_id)

    def test_reductions_never_take_more_than_the_commission(self):
        self.plan.dispute_reduction_share = 60.0
        self._dispute()
        self._dispute()
        settlement = self._settle()
        self.assertEqual(settlement.reduction_ids.mapped("share"), [60.0, 40.0])
        self.assertEqual(settlement.amount_total, 0.0)

    def test_no_share_no_reduction(self):
        self.plan.dispute_reduction_share = 0.0
        self._dispute()
        settlement = self._settle()
        self.assertFalse(settlement.reduction_ids)
        self.assertEqual(settlement.amount_total, 200.0)

    def test_share_between_0_and_100(self):
        for share in (-5.0, 100.5):
            with self.assertRaisesRegex(ValidationError, "between 0 and 100"):
                self.plan.dispute_reduction_share = share

    def test_access(self):
        self._dispute()
        self._dispute(user=self.seller_2)
        self._pay(self._invoice(1000.0, user=self.seller_2))
        own, other = self._settle(), self._settle(self.seller_2)
        Reduction = self.env["commission.reduction"]
        everything = (own | other).reduction_ids
        self.assertEqual(len(everything), 2)
        self.assertEqual(Reduction.with_user(self.seller).search([("id", "in", everything.ids)]), own.reduction_ids)
        self.assertEqual(Reduction.with_user(self.manager).search([("id", "in", everything.ids)]), everything)
        with self.assertRaises(AccessError):
            own.reduction_ids.with_user(self.manager).write({"amount": 0.0})
        with self.assertRaises(AccessError):
            own.reduction_ids.with_user(self.seller).unlink()
