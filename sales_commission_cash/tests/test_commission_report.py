from datetime import timedelta

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import Command
from odoo.tests import tagged
from odoo.tools.safe_eval import datetime, safe_eval

from .common import CommissionCommon


@tagged("post_install", "-at_install")
class TestCommissionReport(CommissionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Sonia: an order of 3,000 booked, 1,000 and 500 invoiced, 600 paid on the first
        # (500 untaxed collected, 60 earned at 12 %). Paul: 2,000 invoiced, nothing paid.
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "user_id": cls.seller.id,
                # A complete order: the credit control addon, when installed, holds the others.
                "payment_term_id": cls.pay_terms_a.id,
                "order_line": [
                    Command.create({"product_id": cls.product_a.id, "product_uom_qty": 3, "price_unit": 1000.0})
                ],
            }
        )
        cls.order.action_confirm()
        cls.first = cls._invoice(1000.0)
        cls.second = cls._invoice(500.0)
        cls.other = cls._invoice(2000.0, user=cls.seller_2)
        cls._pay(cls.first, amount=600.0)

    def _totals(self, user=None, domain=()):
        report = self.env["commission.report"].with_user(user or self.manager)
        groups = report._read_group(
            list(domain),
            ["user_id"],
            [
                "booked_amount:sum",
                "invoiced_amount:sum",
                "collected_amount:sum",
                "commission_amount:sum",
                "waiting_amount:sum",
                "waiting_commission:sum",
            ],
        )
        return {group[0]: group[1:] for group in groups}

    def test_report_columns_per_salesperson(self):
        totals = self._totals()
        booked, invoiced, collected, earned, waiting, waiting_commission = totals[self.seller]
        self.assertAlmostEqual(booked, 3000.0)
        self.assertAlmostEqual(invoiced, 1500.0)
        self.assertAlmostEqual(collected, 500.0)
        self.assertAlmostEqual(earned, 60.0)
        # 500 left on the first invoice and 500 on the second, at the plan's 10 %.
        self.assertAlmostEqual(waiting, 1000.0)
        self.assertAlmostEqual(waiting_commission, 100.0)
        self.assertEqual(totals[self.seller_2], (0.0, 2000.0, 0.0, 0.0, 2000.0, 200.0))

    def test_paying_moves_waiting_to_collected(self):
        self._pay(self.other)
        _booked, _invoiced, collected, earned, waiting, waiting_commission = self._totals()[self.seller_2]
        self.assertAlmostEqual(collected, 2000.0)
        self.assertAlmostEqual(earned, 240.0)
        self.assertAlmostEqual(waiting, 0.0)
        self.assertAlmostEqual(waiting_commission, 0.0)

    def test_split_invoice_in_report(self):
        self.other.commission_split_ids = [
            Command.create({"user_id": self.seller.id, "share": 25.0}),
            Command.create({"user_id": self.seller_2.id, "share": 75.0}),
        ]
        totals = self._totals()
        self.assertAlmostEqual(totals[self.seller_2][1], 1500.0)
        self.assertAlmostEqual(totals[self.seller][1], 2000.0)

    def test_salesperson_reads_only_own_rows(self):
        totals = self._totals(user=self.seller)
        self.assertEqual(list(totals), [self.seller])

    def test_waiting_view_lists_customers_to_collect(self):
        rows = self.env["commission.report"].with_user(self.seller_2).search([("waiting_amount", "!=", 0)])
        self.assertEqual(rows.move_id, self.other)
        self.assertEqual(rows.partner_id, self.customer)

    def test_refund_reduces_invoiced(self):
        self._invoice(200.0, move_type="out_refund", date=self.today - timedelta(days=1))
        self.assertAlmostEqual(self._totals()[self.seller][1], 1300.0)

    def _default_filter_domain(self):
        """The domain of the filter the report's action selects by default, as the web client
        evaluates it."""
        action = self.env.ref("sales_commission_cash.commission_report_action")
        defaults = [
            key[len("search_default_") :] for key in safe_eval(action.context) if key.startswith("search_default_")
        ]
        self.assertEqual(len(defaults), 1)
        arch = etree.fromstring(self.env["commission.report"].get_view(view_type="search")["arch"])
        node = arch.xpath(f"//filter[@name='{defaults[0]}']")[0]
        self.assertTrue(node.get("domain"), "the default filter is a period with the waiting invoices")
        return safe_eval(
            node.get("domain"),
            {"context_today": lambda: self.today, "relativedelta": relativedelta, "datetime": datetime},
        )

    def test_default_period_shows_the_invoices_still_waiting(self):
        """Invoiced three months ago: its unpaid invoice is in the default view, the paid one is
        not; this month's sales are."""
        old_date = self.today - relativedelta(months=3)
        waiting = self._invoice(700.0, user=self.seller_2, date=old_date)
        paid = self._invoice(400.0, user=self.seller_2, date=old_date)
        self._pay(paid, date=old_date)
        rows = self.env["commission.report"].search(self._default_filter_domain())
        self.assertIn(waiting, rows.move_id)
        self.assertNotIn(paid, rows.move_id)
        self.assertIn(self.first, rows.move_id)  # this month
        self.assertIn(self.order, rows.order_id)
