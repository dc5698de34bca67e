from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.sales_commission_cash.tests.common import CommissionCommon


@tagged("post_install", "-at_install")
class TestCockpitCommission(CommissionCommon):
    """A 10 % plan: an invoice of 1,000 untaxed (1,200) with 600 paid leaves 500 untaxed
    waiting, 50 of commission; an unpaid one of 2,000 untaxed, 200; a paid one, nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._pay(cls._invoice(1000.0), 600.0)
        cls.unpaid = cls._invoice(2000.0, user=cls.seller_2)
        cls._pay(cls._invoice(500.0))
        cls.finance = (
            cls.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Fiona Finance",
                    "login": "ccc_fiona",
                    "company_id": cls.company.id,
                    "company_ids": [Command.set(cls.company.ids)],
                    "groups_id": [Command.set(cls.env.ref("credit_control.group_credit_controller").ids)],
                }
            )
        )
        cls.env.flush_all()

    def _cockpit(self, user):
        return self.env["credit.cockpit"].with_user(user).search([("company_id", "=", self.company.id)])

    def test_commission_waiting_for_collection(self):
        cockpit = self._cockpit(self.manager)
        self.assertAlmostEqual(cockpit.commission_waiting, 250.0)
        report = self.env["commission.report"].with_user(self.manager)
        action = cockpit.action_open_commission_waiting()
        self.assertEqual(action["res_model"], "commission.report")
        rows = report.search(action["domain"])
        self.assertAlmostEqual(sum(rows.mapped("waiting_commission")), 250.0)
        self.assertIn(self.unpaid, rows.move_id)

    def test_each_salesperson_at_the_rate_of_their_plan(self):
        """A plan of 5 % naming the second salesperson: 2,000 untaxed waiting earn 100."""
        self.env["commission.plan"].create(
            {"name": "Key accounts", "rate": 5.0, "user_ids": [Command.link(self.seller_2.id)]}
        )
        self.env.flush_all()
        cockpit = self._cockpit(self.manager)
        self.assertAlmostEqual(cockpit.commission_waiting, 150.0)
        report = self.env["commission.report"].search([("company_id", "=", self.company.id)])
        self.assertAlmostEqual(cockpit.commission_waiting, sum(report.mapped("waiting_commission")))

    def test_commission_is_the_sales_managers_figure(self):
        arch = self.env["credit.cockpit"].with_user(self.manager).get_views([(False, "kanban")])["views"]["kanban"]
        self.assertIn("commission_waiting", arch["arch"])
        arch = self.env["credit.cockpit"].with_user(self.finance).get_views([(False, "kanban")])["views"]["kanban"]
        self.assertNotIn("commission_waiting", arch["arch"])
        cockpit = self._cockpit(self.finance)
        self.assertTrue(cockpit.receivable)
        with self.assertRaises(AccessError):
            cockpit.read(["commission_waiting"])
