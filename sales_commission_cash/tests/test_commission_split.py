from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .common import CommissionCommon


@tagged("post_install", "-at_install")
class TestCommissionSplit(CommissionCommon):
    def _split(self, invoice, shares, user=None):
        wizard = Form(
            self.env["commission.split.wizard"]
            .with_user(user or self.manager)
            .with_context(active_model="account.move", active_id=invoice.id)
        )
        while len(wizard.line_ids):
            wizard.line_ids.remove(0)
        for salesperson, share in shares:
            with wizard.line_ids.new() as line:
                line.user_id = salesperson
                line.share = share
        return wizard.save().action_apply()

    def test_wizard_starts_with_the_invoice_salesperson(self):
        invoice = self._invoice()
        wizard = self.env["commission.split.wizard"].with_context(active_id=invoice.id).create({})
        self.assertEqual(wizard.line_ids.user_id, self.seller)
        self.assertEqual(wizard.line_ids.share, 100.0)

    def test_split_shares_the_commission(self):
        invoice = self._invoice()
        self._split(invoice, [(self.seller, 60.0), (self.seller_2, 40.0)])
        self._pay(invoice, amount=600.0)
        lines = self._lines(invoice)
        self.assertEqual(lines.user_id, self.seller | self.seller_2)
        by_user = {line.user_id: line for line in lines}
        self.assertAlmostEqual(by_user[self.seller].collected, 300.0)
        self.assertAlmostEqual(by_user[self.seller].amount, 36.0)
        self.assertAlmostEqual(by_user[self.seller_2].amount, 24.0)

    def test_split_must_total_100(self):
        invoice = self._invoice()
        with self.assertRaises(ValidationError) as error:
            self._split(invoice, [(self.seller, 60.0), (self.seller_2, 30.0)])
        self.assertIn("100", str(error.exception))
        self.assertFalse(invoice.commission_split_ids)

    def test_back_to_the_invoice_salesperson_removes_the_split(self):
        invoice = self._invoice()
        self._split(invoice, [(self.seller, 50.0), (self.seller_2, 50.0)])
        self._split(invoice, [(self.seller, 100.0)])
        self.assertFalse(invoice.commission_split_ids)

    def test_salesperson_cannot_split(self):
        invoice = self._invoice()
        with self.assertRaises(AccessError):
            self._split(invoice, [(self.seller, 50.0), (self.seller_2, 50.0)], user=self.seller)

    def test_clawback_of_a_split_payment(self):
        invoice = self._invoice()
        invoice.commission_split_ids = [
            Command.create({"user_id": self.seller.id, "share": 70.0}),
            Command.create({"user_id": self.seller_2.id, "share": 30.0}),
        ]
        payment = self._pay(invoice)
        payment.action_draft()
        lines = self._lines(invoice)
        self.assertEqual(len(lines), 4)
        for user in self.seller | self.seller_2:
            self.assertAlmostEqual(sum(lines.filtered(lambda line, u=user: line.user_id == u).mapped("amount")), 0.0)

    def test_credit_note_keeps_the_split(self):
        invoice = self._invoice()
        self._split(invoice, [(self.seller, 60.0), (self.seller_2, 40.0)])
        refund = invoice._reverse_moves()
        self.assertEqual(
            [(split.user_id, split.share) for split in refund.commission_split_ids],
            [(self.seller, 60.0), (self.seller_2, 40.0)],
        )

    def test_accountant_credit_note_and_duplicate_keep_the_split(self):
        """An accountant may not write splits, yet reverses and duplicates invoices: the split
        follows the invoice all the same."""
        accountant = self.env["res.users"].create(
            {
                "name": "Anne Compta",
                "login": "com_anne",
                "groups_id": [Command.set(self.env.ref("account.group_account_invoice").ids)],
            }
        )
        invoice = self._invoice()
        self._split(invoice, [(self.seller, 60.0), (self.seller_2, 40.0)])
        reversal = (
            self.env["account.move.reversal"]
            .with_user(accountant)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "Damaged crate"})
        )
        refund = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        duplicate = invoice.with_user(accountant).copy()
        for move in (refund, duplicate):
            self.assertEqual(
                [(split.user_id, split.share) for split in move.sudo().commission_split_ids],
                [(self.seller, 60.0), (self.seller_2, 40.0)],
            )
        self.assertEqual(refund.create_uid, accountant)

    def test_split_lines_written_directly_must_total_100(self):
        """Sales managers and imports write split lines without the wizard: the total of
        the invoice's lines is checked all the same."""
        invoice = self._invoice()
        self._split(invoice, [(self.seller, 60.0), (self.seller_2, 40.0)])
        splits = self.env["commission.split"].with_user(self.manager)
        with self.assertRaises(ValidationError) as error:
            splits.create({"move_id": invoice.id, "user_id": self.manager.id, "share": 30.0})
        self.assertIn("100", str(error.exception))
        with self.assertRaises(ValidationError) as error:
            splits.search([("move_id", "=", invoice.id), ("user_id", "=", self.seller.id)]).share = 90.0
        self.assertIn("100", str(error.exception))
        with self.assertRaises(ValidationError) as error:
            splits.search([("move_id", "=", invoice.id), ("user_id", "=", self.seller_2.id)]).unlink()
        self.assertIn("100", str(error.exception))
        other = self._invoice()
        with self.assertRaises(ValidationError) as error:
            splits.create({"move_id": other.id, "user_id": self.seller_2.id, "share": 50.0})
        self.assertIn("100", str(error.exception))
        self.env.invalidate_all()
        self.assertEqual(sorted(invoice.commission_split_ids.mapped("share")), [40.0, 60.0])
        self.assertFalse(other.commission_split_ids)

    def test_split_import_checks_the_total(self):
        invoice, other = self._invoice(), self._invoice()
        splits = self.env["commission.split"].with_user(self.manager)
        fields = ["move_id/.id", "user_id/.id", "share"]
        result = splits.load(fields, [[invoice.id, self.seller.id, "60"], [invoice.id, self.seller_2.id, "50"]])
        self.assertFalse(result["ids"])
        self.assertIn("100", result["messages"][0]["message"])
        self.assertFalse(invoice.commission_split_ids)
        result = splits.load(fields, [[other.id, self.seller.id, "60"], [other.id, self.seller_2.id, "40"]])
        self.assertEqual(len(result["ids"]), 2, result["messages"])
        self._pay(other)
        self.assertEqual(sorted(self._lines(other).mapped("amount")), [48.0, 72.0])
