from odoo import Command
from odoo.tests import tagged

from .common import CommissionCommon


@tagged("post_install", "-at_install")
class TestCommissionCashOnly(CommissionCommon):
    """Only the cash part of what settles an invoice earns: an invoice of 1,000 untaxed
    (1,200 taxed) paid on time in cash earns 12 % of 1,000 = 120."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receivable = cls.company_data["default_account_receivable"]
        cls.expense = cls.company_data["default_account_expense"]
        cls.bank_journal = cls.company_data["default_journal_bank"]
        cls.misc_journal = cls.company_data["default_journal_misc"]

    @staticmethod
    def _receivable_lines(moves):
        return moves.line_ids.filtered(
            lambda line: line.account_id.account_type in ("asset_receivable", "liability_payable")
        )

    def _entry(self, journal, lines):
        """A posted entry of `journal` with lines (account, balance, partner)."""
        move = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": journal.id,
                "date": self.today,
                "line_ids": [
                    Command.create(
                        {"name": "Règlement", "account_id": account.id, "balance": balance, "partner_id": partner.id}
                    )
                    for account, balance, partner in lines
                ],
            }
        )
        move.action_post()
        return move

    def _settle(self, invoice, journal, counterparts):
        """Settle the invoice's 1,200 with an entry crediting the receivable, the other
        side being `counterparts` [(account, balance)]."""
        entry = self._entry(
            journal,
            [(self.receivable, -1200.0, self.customer)]
            + [(account, balance, self.customer) for account, balance in counterparts],
        )
        self._receivable_lines(invoice | entry).filtered(lambda line: line.account_id == self.receivable).reconcile()
        self.assertEqual(invoice.payment_state, "paid")
        return entry

    def test_misc_entry_to_an_expense_account_earns_nothing(self):
        invoice = self._invoice()
        self._settle(invoice, self.misc_journal, [(self.expense, 1200.0)])
        self.assertFalse(self._lines(invoice))

    def test_bad_debt_write_off_earns_nothing(self):
        """600 paid in cash, the rest written off as a bad debt: only the 600 earns."""
        invoice = self._invoice()
        self._pay(invoice, amount=600.0)
        bad_debt = self.env["account.account"].create(
            {"name": "Créances irrécouvrables", "code": "654999", "account_type": "expense"}
        )
        entry = self._entry(
            self.misc_journal, [(self.receivable, -600.0, self.customer), (bad_debt, 600.0, self.customer)]
        )
        self._receivable_lines(invoice | entry).reconcile()
        self.assertEqual(invoice.payment_state, "paid")
        line = self._lines(invoice)
        self.assertEqual(len(line), 1)
        self.assertAlmostEqual(line.collected, 500.0)
        self.assertAlmostEqual(line.amount, 60.0)

    def test_netting_against_a_vendor_bill_earns_nothing(self):
        invoice = self._invoice()
        bill = self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": self.customer.id,
                "invoice_date": self.today,
                "invoice_line_ids": [Command.create({"name": "Livraison", "quantity": 1, "price_unit": 1200.0})],
            }
        )
        bill.action_post()
        payable = self._receivable_lines(bill).account_id
        entry = self._settle(invoice, self.misc_journal, [(payable, 1200.0)])
        self._receivable_lines(bill | entry).filtered(lambda line: line.account_id == payable).reconcile()
        self.assertEqual(bill.payment_state, "paid")
        self.assertFalse(self._lines(invoice))

    def test_transfer_to_doubtful_receivables_earns_nothing(self):
        invoice = self._invoice()
        doubtful = self.env["account.account"].create(
            {"name": "Clients douteux", "code": "416999", "account_type": "asset_receivable", "reconcile": True}
        )
        self._settle(invoice, self.misc_journal, [(doubtful, 1200.0)])
        self.assertFalse(self._lines(invoice))

    def test_write_off_in_a_bank_journal_earns_nothing(self):
        """An entry of a bank journal without cash lines brings no cash."""
        invoice = self._invoice()
        self._settle(invoice, self.bank_journal, [(self.expense, 1200.0)])
        self.assertFalse(self._lines(invoice))

    def test_bank_journal_entry_earns_its_cash_part(self):
        """600 in the bank and 600 to an expense: half of the 1,000 untaxed earns."""
        invoice = self._invoice()
        self._settle(invoice, self.bank_journal, [(self.bank_journal.default_account_id, 600.0), (self.expense, 600.0)])
        line = self._lines(invoice)
        self.assertAlmostEqual(line.collected, 500.0)
        self.assertAlmostEqual(line.amount, 60.0)

    def test_bank_entry_settling_two_invoices_shares_its_cash(self):
        """1,200 in the bank and 1,200 written off settle two invoices of 1,200: each
        earns on half of its 1,000 untaxed."""
        first, second = self._invoice(), self._invoice()
        entry = self._entry(
            self.bank_journal,
            [
                (self.receivable, -1200.0, self.customer),
                (self.receivable, -1200.0, self.customer),
                (self.bank_journal.default_account_id, 1200.0, self.customer),
                (self.expense, 1200.0, self.customer),
            ],
        )
        credits = self._receivable_lines(entry).filtered(lambda line: line.balance < 0)
        for invoice, credit in zip(first | second, credits, strict=True):
            (self._receivable_lines(invoice) | credit).reconcile()
        for invoice in first | second:
            self.assertAlmostEqual(self._lines(invoice).collected, 500.0)
            self.assertAlmostEqual(self._lines(invoice).amount, 60.0)

    def test_bank_statement_line_reconciled_with_the_invoice_earns(self):
        invoice = self._invoice()
        statement_line = self.env["account.bank.statement.line"].create(
            {
                "journal_id": self.bank_journal.id,
                "date": self.today,
                "payment_ref": "Virement Brasserie du Port",
                "partner_id": self.customer.id,
                "amount": 1200.0,
            }
        )
        _liquidity, suspense, _other = statement_line.with_context(
            skip_account_move_synchronization=True
        )._seek_for_lines()
        suspense.with_context(skip_account_move_synchronization=True).account_id = self.receivable
        (suspense | self._receivable_lines(invoice)).reconcile()
        self.assertEqual(invoice.payment_state, "paid")
        line = self._lines(invoice)
        self.assertAlmostEqual(line.collected, 1000.0)
        self.assertAlmostEqual(line.amount, 120.0)

    def test_payment_matched_later_with_the_bank_earns_once(self):
        """The payment earns when it meets the invoice (outstanding receipts); matching it
        with the bank statement afterwards earns nothing more."""
        invoice = self._invoice()
        payment = self._pay(invoice)
        self.assertEqual(self._lines(invoice).amount, 120.0)
        statement_line = self.env["account.bank.statement.line"].create(
            {"journal_id": payment.journal_id.id, "date": self.today, "payment_ref": "Remise", "amount": 1200.0}
        )
        _liquidity, suspense, _other = statement_line.with_context(
            skip_account_move_synchronization=True
        )._seek_for_lines()
        outstanding = payment.move_id.line_ids.filtered(lambda line: line.account_id == payment.outstanding_account_id)
        suspense.with_context(skip_account_move_synchronization=True).account_id = outstanding.account_id
        (suspense | outstanding).reconcile()
        self.assertTrue(outstanding.reconciled)
        line = self._lines(invoice)
        self.assertEqual(len(line), 1)
        self.assertAlmostEqual(line.amount, 120.0)
