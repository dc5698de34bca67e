from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CommissionCommon


@tagged("post_install", "-at_install")
class TestCommissionAudit(CommissionCommon):
    """What was earned and settled stays: lines are never deleted, a correction is a
    clawback line, and a reconciliation earns once per salesperson."""

    def _settle_this_month(self, state="paid"):
        settlement = self.env["commission.settlement"]._generate_for_period(self.today.replace(day=1), self.today)
        settlement.action_validate()
        if state == "paid":
            settlement.action_mark_paid()
        return settlement

    def test_invoice_with_a_paid_settlement_cannot_be_deleted(self):
        invoice = self._invoice()
        self._pay(invoice)
        settlement = self._settle_this_month()
        invoice.button_draft()  # unreconciles the payment: the commission is clawed back
        lines = self._lines(invoice)
        self.assertEqual(lines.mapped("amount"), [120.0, -120.0])
        with self.assertRaises(UserError) as error:
            invoice.unlink()
        self.assertIn("audit trail", str(error.exception))
        self.assertEqual(self._lines(invoice), lines)
        self.assertEqual(settlement.line_ids, lines[0])
        self.assertAlmostEqual(settlement.amount_total, 120.0)

    def test_invoice_with_a_clawback_cannot_be_deleted(self):
        invoice = self._invoice()
        payment = self._pay(invoice)
        payment.action_draft()
        invoice.button_draft()
        with self.assertRaises(UserError) as error:
            invoice.unlink()
        self.assertIn("Cancel it instead", str(error.exception))
        self.assertEqual(self._lines(invoice).mapped("amount"), [120.0, -120.0])

    def test_invoice_without_commission_can_be_deleted(self):
        invoice = self._invoice()
        invoice.button_draft()
        invoice.unlink()
        self.assertFalse(invoice.exists())

    def test_commission_lines_are_never_deleted(self):
        invoice = self._invoice()
        self._pay(invoice)
        self._settle_this_month(state="validated")
        with self.assertRaises(UserError) as error:
            self._lines(invoice).sudo().unlink()
        self.assertIn("never deleted", str(error.exception))
        self.assertAlmostEqual(self._lines(invoice).amount, 120.0)

    def test_deleted_payment_leaves_the_earning_and_its_clawback(self):
        invoice = self._invoice()
        payment = self._pay(invoice)
        payment.action_draft()
        payment.unlink()
        earned, clawback = self._lines(invoice)
        self.assertEqual((earned.kind, earned.amount), ("earned", 120.0))
        self.assertFalse(earned.partial_id)
        self.assertEqual((clawback.kind, clawback.amount, clawback.origin_line_id), ("clawback", -120.0, earned))

    def test_a_reconciliation_processed_again_earns_nothing_more(self):
        invoice = self._invoice()
        self._split_between_sellers(invoice)
        self._pay(invoice)
        partial = invoice.line_ids.matched_credit_ids
        self.assertEqual(len(partial), 1)
        self.assertFalse(partial._commission_create_lines())
        self.assertEqual(sorted(self._lines(invoice).mapped("amount")), [48.0, 72.0])

    def _split_between_sellers(self, invoice):
        invoice.commission_split_ids = [
            Command.create({"user_id": self.seller.id, "share": 60.0}),
            Command.create({"user_id": self.seller_2.id, "share": 40.0}),
        ]

    @mute_logger("odoo.sql_db")
    def test_database_refuses_a_second_earning_for_the_same_reconciliation(self):
        invoice = self._invoice()
        self._pay(invoice)
        line = self._lines(invoice)
        with self.assertRaises(IntegrityError):
            self.env["commission.line"].sudo().create(
                {
                    "company_id": line.company_id.id,
                    "user_id": line.user_id.id,
                    "move_id": invoice.id,
                    "partial_id": line.partial_id.id,
                    "date": line.date,
                    "kind": "earned",
                    "collected": 1000.0,
                    "amount": 120.0,
                }
            )
            self.env.flush_all()

    @mute_logger("odoo.sql_db")
    def test_database_refuses_a_second_clawback_of_a_line(self):
        invoice = self._invoice()
        self._pay(invoice).action_draft()
        earned, clawback = self._lines(invoice)
        with self.assertRaises(IntegrityError):
            clawback.sudo().copy({"origin_line_id": earned.id})
            self.env.flush_all()
