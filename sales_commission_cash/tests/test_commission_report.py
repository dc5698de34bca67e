from datetime import timedelta

from odoo import Command
from odoo.tests import tagged

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
