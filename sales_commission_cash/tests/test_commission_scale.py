from odoo import Command
from odoo.tests import tagged
from odoo.tools import SQL

from .common import CommissionCommon


@tagged("post_install", "-at_install")
class TestCommissionScale(CommissionCommon):
    """Commission at reconciliation costs the same per reconciliation whatever the shape of
    the payment entry: its lines are summed once, by account and side, not loaded and
    scanned for each reconciliation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receivable = cls.company_data["default_account_receivable"]
        cls.bank_journal = cls.company_data["default_journal_bank"]
        cls.bank_account = cls.bank_journal.default_account_id

    def _bulk_entry(self, receivable_lines, bank_lines):
        """A bank entry crediting the receivable `receivable_lines` times 1,200, debited in
        `bank_lines` equal bank lines (a lockbox file, a bulk import)."""
        total = 1200.0 * receivable_lines
        move = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": self.bank_journal.id,
                "date": self.today,
                "line_ids": [
                    Command.create(
                        {"name": "Remise", "account_id": self.receivable.id, "balance": -1200.0, "partner_id": p}
                    )
                    for p in [self.customer.id] * receivable_lines
                ]
                + [
                    Command.create(
                        {"name": "Banque", "account_id": self.bank_account.id, "balance": total / bank_lines}
                    )
                    for _index in range(bank_lines)
                ],
            }
        )
        move.action_post()
        return move

    def _reconcile(self, invoices, entry):
        credits = entry.line_ids.filtered(lambda line: line.account_id == self.receivable and not line.reconciled)
        partials = self.env["account.partial.reconcile"]
        for invoice, credit in zip(invoices, credits, strict=False):
            invoice_line = invoice.line_ids.filtered(lambda line: line.account_id == self.receivable)
            (invoice_line | credit).reconcile()
            partials |= invoice_line.matched_credit_ids
        return partials

    def _queries_of_commission(self, partials):
        """Queries of the commission computation of `partials` from a cold cache, the
        journal items it loads, and the lines it makes (made again for the count, then
        rolled back to the first ones)."""
        with self.env.cr.savepoint() as savepoint:
            # A first run, undone, fills the registry's caches (record rules), which whatever
            # ran before may have cleared: the count is the computation's own.
            for _run in range(2):
                self.env.cr.execute(SQL("DELETE FROM commission_line WHERE partial_id = ANY(%s)", partials.ids))
                self.env.invalidate_all()
                before = self.env.cr.sql_log_count
                made = partials._commission_create_lines()
            count = self.env.cr.sql_log_count - before
            MoveLine = self.env["account.move.line"]
            loaded = len(self.env.cache.get_records(MoveLine, MoveLine._fields["balance"]))
            figures = sorted((line.move_id.id, line.collected, line.amount) for line in made)
            savepoint.rollback()
        self.env.invalidate_all()
        return count, loaded, figures

    def test_queries_do_not_grow_with_the_lines_of_the_entry(self):
        """One invoice settled by a 2-line payment entry, then by a bulk entry of 1,201
        lines: the same queries, the same items read, the same commission."""
        small, bulk = self._invoice(), self._invoice()
        small_count, small_loaded, small_figures = self._queries_of_commission(
            self._reconcile(small, self._bulk_entry(1, 1))
        )
        bulk_count, bulk_loaded, bulk_figures = self._queries_of_commission(
            self._reconcile(bulk, self._bulk_entry(1, 1200))
        )
        self.assertEqual(bulk_count, small_count)
        # The two reconciled items only: the entry's other lines are summed by the database.
        self.assertEqual((small_loaded, bulk_loaded), (2, 2))
        self.assertEqual([(c, a) for _m, c, a in bulk_figures], [(1000.0, 120.0)])
        self.assertEqual([(c, a) for _m, c, a in small_figures], [(1000.0, 120.0)])

    def test_one_entry_clearing_many_invoices(self):
        """A bulk entry clearing five invoices: each earns as if paid alone, with the
        queries of one reconciliation for the batch."""
        invoices = self.env["account.move"].concat(*(self._invoice() for _index in range(5)))
        entry = self._bulk_entry(5, 1)
        one_count, _loaded, _figures = self._queries_of_commission(self._reconcile(invoices[:1], entry))
        partials = self._reconcile(invoices[1:], entry)
        batch_count, loaded, figures = self._queries_of_commission(partials)
        self.assertEqual(loaded, 8)
        self.assertEqual(batch_count, one_count)
        self.assertEqual([(c, a) for _m, c, a in figures], [(1000.0, 120.0)] * 4)
        for invoice in invoices:
            self.assertEqual(invoice.payment_state, "paid")
            self.assertAlmostEqual(self._lines(invoice).amount, 120.0)

    def test_query_count_of_a_reconciliation_batch(self):
        """At reconciliation (new partials), the computation's queries are a constant: the
        partials, their items and documents read, the entries' totals with their cash
        flags, one query for the invoices' lock, salespeople, plans and validated periods,
        the plan's tiers, and the insert; the same for one reconciliation and for a batch
        of four on a bulk entry, for 2-line payments alike."""
        invoices = self.env["account.move"].concat(*(self._invoice() for _index in range(7)))
        entry = self._bulk_entry(5, 1)
        batches = (
            self._reconcile(invoices[:1], entry),
            self._reconcile(invoices[1:5], entry),
            self._reconcile(invoices[5:6], self._bulk_entry(1, 1)),
        )
        Line = self.env["commission.line"]
        for partials in batches:
            for _run in range(2):  # the first one fills the registry's caches
                self.env.cr.execute(SQL("DELETE FROM commission_line WHERE partial_id = ANY(%s)", partials.ids))
                self.env.invalidate_all()
                partials._commission_create_lines(new=True)
            self.env.cr.execute(SQL("DELETE FROM commission_line WHERE partial_id = ANY(%s)", partials.ids))
            self.env.invalidate_all()
            with self.assertQueryCount(10):
                made = partials._commission_create_lines(new=True)
            self.assertEqual(len(made), len(partials))
        self.assertEqual(Line.search_count([("partial_id", "in", invoices.line_ids.matched_credit_ids.ids)]), 6)

    def test_bulk_entry_in_one_call_earns_as_paid_one_by_one(self):
        """Five invoices of different amounts cleared by one bank entry in one reconciliation
        (all the partials in one batch): each earns what a 2-line payment earns it."""
        amounts = [1000.0, 250.0, 80.0, 1999.99, 10.0]
        paid_alone = [self._invoice(untaxed) for untaxed in amounts]
        for invoice in paid_alone:
            self._pay(invoice)
        expected = [[(line.collected, line.rate, line.amount) for line in self._lines(i)] for i in paid_alone]
        bulk = [self._invoice(untaxed) for untaxed in amounts]
        totals = [invoice.amount_total for invoice in bulk]
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": self.bank_journal.id,
                "date": self.today,
                "line_ids": [
                    Command.create(
                        {"name": "Remise", "account_id": self.receivable.id, "balance": -total, "partner_id": p}
                    )
                    for total, p in zip(totals, [self.customer.id] * len(totals), strict=True)
                ]
                + [Command.create({"name": "Banque", "account_id": self.bank_account.id, "balance": sum(totals)})],
            }
        )
        entry.action_post()
        receivables = self.env["account.move"].concat(*bulk).line_ids | entry.line_ids
        receivables.filtered(lambda line: line.account_id == self.receivable).reconcile()
        # Odoo matches the items in order: an invoice may take several partials of the entry.
        for invoice, lines in zip(bulk, expected, strict=True):
            self.assertEqual(invoice.payment_state, "paid")
            made = self._lines(invoice)
            self.assertEqual(set(made.mapped("rate")), {rate for _c, rate, _a in lines})
            self.assertAlmostEqual(sum(made.mapped("collected")), sum(c for c, _r, _a in lines))
            self.assertAlmostEqual(sum(made.mapped("amount")), sum(a for _c, _r, a in lines))
        self.assertEqual(expected[0], [(1000.0, 12.0, 120.0)])
        self.assertEqual(expected[3], [(1999.99, 12.0, 240.0)])

    def _query_cost(self, query):
        [(plan,)] = self.env.execute_query(SQL("EXPLAIN (FORMAT JSON) %s", query))
        return plan[0]["Plan"]["Total Cost"]

    def test_batch_query_cost_stays_below_jit(self):
        """The planner's cost of a batch's query (salespeople, plans, validated periods) grows
        little with its invoices: a plan subquery per invoice, costed on the plan tables that
        autovacuum never analyses, put 100 invoices above PostgreSQL's jit_above_cost
        (100,000), whose JIT compilation then took 2 s of the 2 s query. 1,000 invoices
        stay below it."""
        invoices = self.env["account.move"].concat(*(self._invoice() for _index in range(5)))
        Partial = self.env["account.partial.reconcile"]
        one = self._query_cost(Partial._commission_shares_query(SQL("%s::integer[]", invoices[:1].ids)))
        five = self._query_cost(Partial._commission_shares_query(SQL("%s::integer[]", invoices.ids)))
        self.assertLess(one + 999 * (five - one) / 4, 100_000)

    def _salespeople_with_lines(self, salespeople, lines_each):
        """`salespeople` new salespeople with `lines_each` unsettled lines this month."""
        users = (
            self.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                [
                    {
                        "name": f"Vendeur {salespeople}-{index}",
                        "login": f"com_scale_{salespeople}_{index}",
                        "company_id": self.company.id,
                        "company_ids": [Command.set(self.company.ids)],
                    }
                    for index in range(salespeople)
                ]
            )
        )
        invoice = self._invoice()
        self.env["commission.line"]._insert_lines(
            [
                {
                    "company_id": self.company.id,
                    "user_id": user.id,
                    "plan_id": self.plan.id,
                    "move_id": invoice.id,
                    "partner_id": self.customer.id,
                    "date": self.today.replace(day=1),
                    "collection_date": self.today.replace(day=1),
                    "kind": "earned",
                    "collected": 100.0,
                    "rate": 10.0,
                    "amount": 10.0,
                }
                for user in users
                for _index in range(lines_each)
            ]
        )
        return users

    def _queries_of_settlements(self, users):
        """Queries of generating and validating the month's settlements, from a cold cache;
        the settlements of `users`, with their totals, are rolled back after."""
        Settlement = self.env["commission.settlement"]
        month = (self.today.replace(day=1), Settlement._fields["date_to"].default(Settlement))
        with self.env.cr.savepoint() as savepoint:
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            settlements = Settlement._generate_for_period(*month)
            settlements.action_validate()
            self.env.flush_all()
            count = self.env.cr.sql_log_count - before
            totals = sorted(
                (s.amount_total, len(s.line_ids), s.state) for s in settlements.filtered(lambda s: s.user_id in users)
            )
            savepoint.rollback()
        self.env.invalidate_all()
        return count, totals

    def test_settlement_queries_do_not_grow_with_the_volume(self):
        """Generating and validating a month's settlements: the same queries for 2
        salespeople with 3 lines each as for 8 salespeople with 150 lines each."""
        small_users = self._salespeople_with_lines(2, 3)
        # Each count follows a first run on the same data: creating users clears the
        # registry's caches, so both counts start warm, whatever ran before this test.
        self._queries_of_settlements(small_users)
        small_count, small_totals = self._queries_of_settlements(small_users)
        large_users = self._salespeople_with_lines(8, 150)
        self._queries_of_settlements(large_users)
        large_count, large_totals = self._queries_of_settlements(large_users)
        self.assertEqual(small_totals, [(30.0, 3, "validated")] * 2)
        self.assertEqual(large_totals, [(1500.0, 150, "validated")] * 8)
        self.assertEqual(large_count, small_count)
