from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CommissionCommon


@tagged("post_install", "-at_install")
class TestCommissionSecurity(CommissionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._pay(cls._invoice())
        cls._pay(cls._invoice(user=cls.seller_2))

    def test_salesperson_sees_only_own_lines(self):
        lines = self.env["commission.line"].with_user(self.seller).search([])
        self.assertEqual(lines.user_id, self.seller)

    def test_manager_sees_all_lines(self):
        lines = self.env["commission.line"].with_user(self.manager).search([])
        self.assertEqual(lines.user_id, self.seller | self.seller_2)

    def test_salesperson_cannot_edit_lines(self):
        line = self.env["commission.line"].search([("user_id", "=", self.seller.id)])
        with self.assertRaises(AccessError):
            line.with_user(self.seller).amount = 1000.0

    def test_manager_cannot_write_lines_by_hand(self):
        """Lines come from collected cash only: a manager (who may also sell) neither creates
        one nor changes its amount; a settlement still gathers them."""
        line = self.env["commission.line"].search([("user_id", "=", self.seller.id)])
        with self.assertRaises(AccessError):
            line.with_user(self.manager).amount = 1000.0
        with self.assertRaises(AccessError):
            self.env["commission.line"].with_user(self.manager).create(
                {
                    "company_id": self.company.id,
                    "user_id": self.manager.id,
                    "move_id": line.move_id.id,
                    "date": self.today,
                    "kind": "earned",
                    "amount": 500.0,
                }
            )
        settlement = (
            self.env["commission.settlement"]
            .with_user(self.manager)
            .create({"user_id": self.seller.id, "date_from": line.date.replace(day=1), "date_to": line.date})
        )
        settlement.action_validate()
        self.assertEqual(settlement.line_ids, line)

    def test_salesperson_cannot_change_plans(self):
        with self.assertRaises(AccessError):
            self.plan.with_user(self.seller).rate = 50.0

    def test_salesperson_cannot_validate_settlement(self):
        settlement = self.env["commission.settlement"].create(
            {"user_id": self.seller.id, "date_from": self.today.replace(day=1), "date_to": self.today}
        )
        with self.assertRaises(AccessError):
            settlement.with_user(self.seller).action_validate()

    def test_salesperson_cannot_change_tiers_or_splits(self):
        with self.assertRaises(AccessError):
            self.env["commission.plan.tier"].with_user(self.seller).create(
                {"plan_id": self.plan.id, "amount_from": 0.0, "rate": 50.0}
            )
        invoice = self._invoice()
        with self.assertRaises(AccessError):
            self.env["commission.split"].with_user(self.seller).create(
                {"move_id": invoice.id, "user_id": self.seller.id, "share": 100.0}
            )

    def test_salesperson_cannot_generate_settlements(self):
        with self.assertRaises(AccessError):
            self.env["commission.settlement.generate"].with_user(self.seller).create({})

    def test_salesperson_report_shows_only_own_rows(self):
        rows = self.env["commission.report"].with_user(self.seller).search([])
        self.assertTrue(rows)
        self.assertEqual(rows.user_id, self.seller)
        self.assertEqual(
            self.env["commission.report"].with_user(self.manager).search([]).user_id, self.seller | self.seller_2
        )

    def test_other_company_figures_are_hidden(self):
        self.assertTrue(self.env["commission.settlement"]._generate_for_period(self.today.replace(day=1), self.today))
        other = self.setup_other_company()["company"]
        self.manager.company_ids = [Command.link(other.id)]
        manager = self.env(user=self.manager, context={"allowed_company_ids": other.ids})
        for model in ("commission.line", "commission.report", "commission.settlement"):
            self.assertFalse(manager[model].search([]), model)
        for model in ("commission.line", "commission.report", "commission.settlement"):
            self.assertTrue(self.env[model].with_user(self.manager).search([]), model)
