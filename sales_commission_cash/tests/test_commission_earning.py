from datetime import timedelta

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import CommissionCommon


@tagged("post_install", "-at_install")
class TestCommissionEarning(CommissionCommon):
    def test_unpaid_invoice_earns_nothing(self):
        invoice = self._invoice()
        self.assertFalse(self._lines(invoice))

    def test_full_payment_earns_on_untaxed_share_with_bonus(self):
        invoice = self._invoice()
        self._pay(invoice)
        line = self._lines(invoice)
        self.assertEqual(len(line), 1)
        self.assertAlmostEqual(line.collected, 1000.0)
        # Paid before the due date: 10 + 2 points.
        self.assertAlmostEqual(line.rate, 12.0)
        self.assertAlmostEqual(line.amount, 120.0)
        self.assertEqual(line.user_id, self.seller)

    def test_partial_payment_earns_proportional_share(self):
        invoice = self._invoice()
        self._pay(invoice, amount=600.0)
        line = self._lines(invoice)
        self.assertAlmostEqual(line.collected, 500.0)
        self.assertAlmostEqual(line.amount, 60.0)

    def test_period_is_payment_date(self):
        invoice = self._invoice(date=self.today - timedelta(days=100), due_in=90)
        self._pay(invoice, date=self.today - timedelta(days=5))
        self.assertEqual(self._lines(invoice).date, self.today - timedelta(days=5))

    def test_late_payment_reduces_rate(self):
        invoice = self._invoice(date=self.today - timedelta(days=100), due_in=10)
        self._pay(invoice)
        line = self._lines(invoice)
        self.assertAlmostEqual(line.rate, 7.0)
        self.assertAlmostEqual(line.amount, 70.0)

    def test_slightly_late_payment_keeps_base_rate(self):
        invoice = self._invoice(date=self.today - timedelta(days=20), due_in=10)
        self._pay(invoice)
        self.assertAlmostEqual(self._lines(invoice).rate, 10.0)

    def test_advance_payment_earns_when_matched(self):
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.customer.id,
                "amount": 1200.0,
                "date": self.today - timedelta(days=3),
            }
        )
        payment.action_post()
        invoice = self._invoice()
        self.assertFalse(self._lines(invoice))
        receivable = (payment.move_id.line_ids | invoice.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        receivable.reconcile()
        line = self._lines(invoice)
        self.assertAlmostEqual(line.amount, 120.0)
        self.assertEqual(line.date, self.today - timedelta(days=3))

    def test_unreconcile_claws_back(self):
        invoice = self._invoice()
        payment = self._pay(invoice)
        payment.move_id.line_ids.remove_move_reconcile()
        lines = self._lines(invoice)
        self.assertEqual(lines.mapped("kind"), ["earned", "clawback"])
        self.assertAlmostEqual(sum(lines.mapped("amount")), 0.0)
        self.assertEqual(lines[1].origin_line_id, lines[0])

    def test_payment_reset_to_draft_claws_back(self):
        invoice = self._invoice()
        payment = self._pay(invoice)
        payment.action_draft()
        self.assertAlmostEqual(sum(self._lines(invoice).mapped("amount")), 0.0)
        self.assertEqual(len(self._lines(invoice)), 2)

    def test_credit_note_reduces_base(self):
        invoice = self._invoice()
        refund = self._invoice(untaxed=400.0, move_type="out_refund")
        (invoice.line_ids | refund.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).reconcile()
        self.assertFalse(self._lines(invoice))
        self._pay(invoice)
        self.assertAlmostEqual(self._lines(invoice).collected, 600.0)

    def test_write_off_earns_nothing(self):
        invoice = self._invoice()
        writeoff_account = self.company_data["default_account_revenue"]
        self._pay(
            invoice,
            amount=960.0,
            payment_difference_handling="reconcile",
            writeoff_account_id=writeoff_account.id,
            writeoff_label="Escompte",
        )
        self.assertEqual(invoice.payment_state, "paid")
        self.assertAlmostEqual(self._lines(invoice).collected, 800.0)

    def test_multi_currency_at_payment_rate(self):
        eur = self.setup_other_currency("EUR", rates=[("2000-01-01", 2.0), (str(self.today), 4.0)])
        invoice = self._invoice(currency=eur, date=self.today - timedelta(days=1), due_in=30)
        # 1,200 EUR at 2 = 600 in company currency; paid 1,200 EUR at 4 = 300 collected.
        self._pay(invoice, currency=eur)
        line = self._lines(invoice)
        self.assertAlmostEqual(line.collected, 250.0)
        self.assertAlmostEqual(line.amount, 30.0)

    def test_salesperson_falls_back_to_order(self):
        # The order is linked without being confirmed: other addons may hold confirmations.
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.seller_2.id,
                "order_line": [
                    Command.create({"product_id": self.product_a.id, "product_uom_qty": 1, "price_unit": 100.0})
                ],
            }
        )
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_user_id": False,
                "invoice_date": self.today,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product_a.id,
                            "quantity": 1,
                            "price_unit": 100.0,
                            "sale_line_ids": [Command.set(order.order_line.ids)],
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        self._pay(invoice)
        self.assertFalse(invoice.invoice_user_id)
        self.assertEqual(self._lines(invoice).user_id, self.seller_2)

    def test_refund_paid_in_cash_is_negative(self):
        refund = self._invoice(untaxed=100.0, move_type="out_refund")
        self._pay(refund)
        self.assertAlmostEqual(self._lines(refund).amount, -12.0)

    def test_rate_outside_range_is_refused(self):
        with self.assertRaises(ValidationError):
            self.env["commission.plan"].create({"name": "Wrong", "rate": 120.0})

    def test_plan_per_salesperson_wins(self):
        self.env["commission.plan"].create(
            {"name": "Paul", "rate": 5.0, "user_ids": [Command.set(self.seller_2.ids)], "sequence": 1}
        )
        invoice = self._invoice(user=self.seller_2)
        self._pay(invoice)
        self.assertAlmostEqual(self._lines(invoice).rate, 5.0)

    def test_payment_reversal_claws_back(self):
        invoice = self._invoice()
        payment = self._pay(invoice)
        payment.move_id._reverse_moves(cancel=True)
        self.assertNotEqual(invoice.payment_state, "paid")
        lines = self._lines(invoice)
        self.assertEqual(sorted(lines.mapped("kind")), ["clawback", "earned"])
        self.assertAlmostEqual(sum(lines.mapped("amount")), 0.0)
