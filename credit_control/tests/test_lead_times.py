from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


@tagged("post_install", "-at_install")
class TestLeadTimes(AccountTestInvoicingCommon):
    """Order-to-cash lead times read from the orders' own dates: the quotation sent, the
    confirmation, the first invoice and the reconciliation that paid it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.day = fields.Date.context_today(cls.env.user) - timedelta(days=60)
        users = cls.env["res.users"].with_context(no_reset_password=True)

        def user(login, *groups):
            return users.create(
                {
                    "name": login,
                    "login": login,
                    "company_id": cls.env.company.id,
                    "company_ids": [Command.set(cls.env.company.ids)],
                    "groups_id": [Command.set([cls.env.ref(group).id for group in groups])],
                }
            )

        cls.salesman = user("lt_sam", "sales_team.group_sale_salesman")
        cls.salesman_2 = user("lt_sophie", "sales_team.group_sale_salesman")
        cls.sales_manager = user("lt_manon", "sales_team.group_sale_manager")
        cls.finance = user("lt_fiona", "credit_control.group_credit_controller")
        cls.accountant = user("lt_alice", "account.group_account_invoice")
        cls.team = cls.env["crm.team"].create({"name": "Lead time team"})
        cls.customer = cls.env["res.partner"].create({"name": "Lead time customer", "is_company": True})
        cls.product = cls.env["product.product"].create(
            {"name": "Lead time crate", "list_price": 100.0, "taxes_id": [Command.clear()], "invoice_policy": "order"}
        )

    def _order(self, sent, confirmed=None, invoiced=None, paid=None, user=None):
        """An order sent, confirmed, invoiced and paid on the given days after self.day."""
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": (user or self.salesman).id,
                "team_id": self.team.id,
                "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1})],
            }
        )
        order.action_quotation_sent()
        self.assertTrue(order.quotation_sent_date, "sending the quotation records its date")
        order.quotation_sent_date = fields.Datetime.to_datetime(self.day + timedelta(days=sent))
        if confirmed is None:
            return order
        order.action_confirm()
        order.date_order = fields.Datetime.to_datetime(self.day + timedelta(days=confirmed))
        if invoiced is None:
            return order
        invoice = order._create_invoices()
        invoice.invoice_date = self.day + timedelta(days=invoiced)
        invoice.action_post()
        if paid is not None:
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"payment_date": self.day + timedelta(days=paid)})._create_payments()
            self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        return order

    def _figures(self, user=None, measures=("confirm", "invoice", "payment", "total")):
        Report = self.env["credit.lead.time.report"].with_user(user or self.env.user)
        specs = [f"{step}_days_{func}:{func}" for step in measures for func in ("median", "p90")]
        groups = Report._read_group([("team_id", "=", self.team.id)], ["team_id"], ["order_count:sum", *specs])
        self.assertEqual(len(groups), 1)
        _team, count, *values = groups[0]
        return count, dict(zip(specs, values, strict=True))

    def test_three_orders_with_the_same_dates(self):
        for _i in range(3):
            self._order(sent=0, confirmed=2, invoiced=5, paid=35)
        count, figures = self._figures()
        self.assertEqual(count, 3)
        for step, days in (("confirm", 2), ("invoice", 3), ("payment", 30), ("total", 35)):
            self.assertEqual(figures[f"{step}_days_median:median"], days, step)
            self.assertEqual(figures[f"{step}_days_p90:p90"], days, step)

    def test_median_and_90th_percentile_differ(self):
        # Days to confirm: 1, 2, 3, 4, 10. Median 3; 90th percentile 4 + 0.6 x (10 - 4) = 7.6.
        for confirmed in (1, 2, 3, 4, 10):
            self._order(sent=0, confirmed=confirmed)
        self._order(sent=0)  # sent, not confirmed: no confirmation delay yet
        count, figures = self._figures(measures=("confirm",))
        self.assertEqual(count, 6)
        self.assertEqual(figures["confirm_days_median:median"], 3)
        self.assertAlmostEqual(figures["confirm_days_p90:p90"], 7.6)

    def test_unpaid_invoice_has_no_payment_delay(self):
        order = self._order(sent=0, confirmed=1, invoiced=4)
        row = self.env["credit.lead.time.report"].search([("order_id", "=", order.id)])
        self.assertEqual(row.date_invoiced, self.day + timedelta(days=4))
        self.assertFalse(row.date_paid)
        self.assertEqual(row.invoice_days_median, 3)
        self.assertFalse(row.payment_days_median)

    def test_pivot_reads_the_percentiles(self):
        """The web client's read_group takes each measure's aggregator from the field."""
        self._order(sent=0, confirmed=2, invoiced=5, paid=35)
        self._order(sent=0, confirmed=4, invoiced=5, paid=35)
        result = self.env["credit.lead.time.report"].read_group(
            [("team_id", "=", self.team.id)], ["confirm_days_median", "confirm_days_p90"], ["user_id"]
        )
        self.assertEqual(result[0]["confirm_days_median"], 3)
        self.assertAlmostEqual(result[0]["confirm_days_p90"], 3.8)

    def test_channel(self):
        order = self._order(sent=0)
        imported = self.env["sale.order"].with_context(import_file=True).create({"partner_id": self.customer.id})
        self.assertEqual(order.order_channel, "backoffice")
        self.assertEqual(imported.order_channel, "import")

    def test_salespeople_see_their_own_orders_managers_and_finance_all(self):
        own = self._order(sent=0, confirmed=2)
        other = self._order(sent=0, confirmed=3, user=self.salesman_2)
        Report = self.env["credit.lead.time.report"]
        for user, expected in (
            (self.salesman, own),
            (self.salesman_2, other),
            (self.sales_manager, own | other),
            (self.finance, own | other),
        ):
            rows = Report.with_user(user).search([("team_id", "=", self.team.id)])
            self.assertEqual(rows.order_id, expected, user.login)
        self.assertEqual(self._figures(self.salesman, ("confirm",))[1]["confirm_days_median:median"], 2)
        with self.assertRaises(AccessError):
            Report.with_user(self.accountant).search([])
