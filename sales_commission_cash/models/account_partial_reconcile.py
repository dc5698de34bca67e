from odoo import api, models
from odoo.tools import SQL

COMMISSION_TYPES = ("out_invoice", "out_refund")
# Only what is settled in these journals is cash.
CASH_JOURNAL_TYPES = ("bank", "cash")


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        partials._commission_create_lines()
        return partials

    def unlink(self):
        lines = self.env["commission.line"].sudo().search([("partial_id", "in", self.ids)])
        lines._clawback()
        return super().unlink()

    def _commission_sides(self):
        """(invoice line, counterpart line, sign) when a customer document meets a journal
        entry, whose cash share then decides what earns; credit notes matched with
        invoices, and exchange differences, earn nothing."""
        self.ensure_one()
        for doc_line, cash_line in (
            (self.debit_move_id, self.credit_move_id),
            (self.credit_move_id, self.debit_move_id),
        ):
            doc, cash = doc_line.move_id, cash_line.move_id
            if doc.move_type not in COMMISSION_TYPES or cash.move_type != "entry":
                continue
            if cash == self.exchange_move_id or cash.journal_id == doc.company_id.currency_exchange_journal_id:
                return None
            return doc_line, cash_line, 1 if doc.move_type == "out_invoice" else -1
        return None

    @staticmethod
    def _commission_cash_amount(partial, cash_line):
        """Company-currency amount of the partial at the payment's own rate."""
        if cash_line.currency_id == cash_line.company_id.currency_id or not cash_line.amount_currency:
            return partial.amount
        in_cash_currency = (
            partial.debit_amount_currency if cash_line == partial.debit_move_id else partial.credit_amount_currency
        )
        return in_cash_currency * abs(cash_line.balance / cash_line.amount_currency)

    @staticmethod
    def _commission_untaxed_share(invoice):
        return invoice.amount_untaxed_signed / invoice.amount_total_signed if invoice.amount_total_signed else 0.0

    @api.model
    def _commission_cash_accounts(self, moves):
        """{journal: accounts} whose lines are cash in the entries of `moves` made in bank
        and cash journals: liquidity accounts (type Bank and Cash), the outstanding
        receipts and payments accounts of the journal's payment methods, the company's
        default ones, and each payment's own outstanding account."""
        journals = moves.journal_id.filtered(lambda journal: journal.type in CASH_JOURNAL_TYPES)
        if not journals:
            return {}
        journals.fetch(["type", "company_id", "inbound_payment_method_line_ids", "outbound_payment_method_line_ids"])
        method_lines = journals.inbound_payment_method_line_ids | journals.outbound_payment_method_line_ids
        method_lines.fetch(["journal_id", "payment_account_id"])
        roots = journals.company_id.root_id
        defaults = (
            self.env["ir.model.data"]
            .sudo()
            .search_fetch(
                [
                    ("module", "=", "account"),
                    ("model", "=", "account.account"),
                    (
                        "name",
                        "in",
                        [
                            f"{root.id}_account_journal_payment_{side}_account_id"
                            for root in roots
                            for side in ("debit", "credit")
                        ],
                    ),
                ],
                ["name", "res_id"],
            )
        )
        default_ids = {
            root.id: {data.res_id for data in defaults if data.name.startswith(f"{root.id}_")} for root in roots
        }
        accounts = {}
        for journal in journals:
            journal_methods = journal.inbound_payment_method_line_ids | journal.outbound_payment_method_line_ids
            accounts[journal] = set(journal_methods.payment_account_id.ids) | default_ids[journal.company_id.root_id.id]
        for move in moves:
            if move.journal_id in accounts and move.origin_payment_id.outstanding_account_id:
                accounts[move.journal_id].add(move.origin_payment_id.outstanding_account_id.id)
        return accounts

    def _commission_entry_totals(self, entries):
        """{entry: [(account id, account type, debit side, balance)]}: the entry's lines
        summed by account and side, in one grouped query for all the entries met. A bulk
        entry clearing a thousand invoices gives a few rows, read once per batch, instead
        of its thousand lines loaded and scanned for each reconciliation."""
        if not entries:
            return {}
        self.env["account.move.line"].flush_model(["move_id", "account_id", "balance"])
        self.env["account.account"].flush_model(["account_type"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT line.move_id, line.account_id, account.account_type, line.balance > 0, SUM(line.balance)
                  FROM account_move_line line
                  JOIN account_account account ON account.id = line.account_id
                 WHERE line.move_id = ANY(%s) AND line.balance != 0
                 GROUP BY line.move_id, line.account_id, account.account_type, line.balance > 0
                """,
                entries.ids,
            )
        )
        totals = {entry: [] for entry in entries}
        for move_id, account_id, account_type, is_debit, balance in rows:
            totals[entries.browse(move_id)].append((account_id, account_type, is_debit, balance))
        return totals

    @staticmethod
    def _commission_cash_share(totals, direction, cash_account_ids):
        """Share of an entry that is cash, from its `totals` by account and side, seen from
        its line of sign `direction` reconciled with the invoice: the cash moving the other
        way (net), over everything moving the other way. A payment is all cash; with a
        write-off, cash / (cash + write-off); an entry outside bank and cash journals, or
        without cash lines, none."""
        if cash_account_ids is None:
            return 0.0
        total = cash = 0.0
        for account_id, account_type, _is_debit, balance in totals:
            if balance * direction < 0:
                total -= direction * balance
            if account_id in cash_account_ids or account_type == "asset_cash":
                cash -= direction * balance
        return max(0.0, min(1.0, cash / total)) if total else 0.0

    def _commission_fetch(self):
        """Read what the computation needs, one query per model whatever the number of
        reconciliations (the ORM would read it in batches of a thousand); return the
        journal entries met, whose lines tell how much of them is cash."""
        self.fetch(
            [
                "debit_move_id",
                "credit_move_id",
                "amount",
                "debit_amount_currency",
                "credit_amount_currency",
                "exchange_move_id",
            ]
        )
        lines = self.debit_move_id | self.credit_move_id
        lines.fetch(["move_id", "company_id", "currency_id", "account_id", "amount_currency", "balance", "date"])
        lines.move_id.fetch(
            [
                "move_type",
                "company_id",
                "journal_id",
                "commercial_partner_id",
                "origin_payment_id",
                "invoice_date_due",
                "amount_untaxed_signed",
                "amount_total_signed",
            ]
        )
        entries = lines.move_id.filtered(lambda move: move.move_type == "entry")
        entries.origin_payment_id.fetch(["outstanding_account_id"])
        return entries

    def _commission_collections(self):
        """[(partial, invoice, cash date, untaxed amount collected)] in payment order; the
        shares of invoices and payments are computed once per document."""
        entries = self._commission_fetch()
        cash_accounts = self._commission_cash_accounts(entries)
        entry_totals = self._commission_entry_totals(entries)
        untaxed_share, cash_share, collections = {}, {}, []
        for partial in self:
            sides = partial._commission_sides()
            if not sides:
                continue
            doc_line, cash_line, sign = sides
            invoice = doc_line.move_id
            if invoice not in untaxed_share:
                untaxed_share[invoice] = self._commission_untaxed_share(invoice)
            cash_key = (cash_line.move_id, 1 if cash_line.balance > 0 else -1)
            if cash_key not in cash_share:
                cash_share[cash_key] = self._commission_cash_share(
                    entry_totals[cash_line.move_id], cash_key[1], cash_accounts.get(cash_line.move_id.journal_id)
                )
            if not cash_share[cash_key]:
                continue
            collected = (
                sign * self._commission_cash_amount(partial, cash_line) * untaxed_share[invoice] * cash_share[cash_key]
            )
            collections.append((partial, invoice, cash_line.date, collected))
        collections.sort(key=lambda item: (item[2], item[0].id))
        return collections

    def _commission_create_lines(self):
        """Commission lines of these reconciliations, with a constant number of queries
        whatever their number: salespeople and plans are read for all invoices at once,
        the lines are inserted together."""
        collections = self._commission_collections()
        if not collections:
            return self.env["commission.line"]
        invoices = self.env["account.move"].union(*(invoice for _p, invoice, _d, _c in collections))
        commission_line = self.env["commission.line"].sudo()
        commission_line._lock_invoices(invoices)
        earned = commission_line._earned_pairs(self)
        shares = self.env["commission.split"].sudo()._shares_of(invoices)
        salespeople = {
            (invoice.company_id.id, user_id) for invoice in invoices for user_id, _share in shares.get(invoice.id, [])
        }
        plans = self.env["commission.plan"].sudo()._plans_for(salespeople)
        collected_before = commission_line._collected_by_tier_period(plans, [date for _p, _i, date, _c in collections])
        vals_list = []
        for partial, invoice, date, collected_total in collections:
            company = invoice.company_id
            for user_id, share in shares.get(invoice.id, []):
                plan = plans.get((company.id, user_id))
                if not plan or (partial.id, user_id) in earned:
                    continue
                collected = company.currency_id.round(collected_total * share)
                period_key = (company.id, user_id, plan._period_start(date))
                before = collected_before[period_key]
                collected_before[period_key] += collected
                amount, rate = plan._commission_amount(
                    collected, before, plan._timing_points(date, invoice.invoice_date_due)
                )
                vals_list.append(
                    {
                        "company_id": company.id,
                        "user_id": user_id,
                        "plan_id": plan.id,
                        "move_id": invoice.id,
                        "partner_id": invoice.commercial_partner_id.id,
                        "partial_id": partial.id,
                        "date": date,
                        "collection_date": date,
                        "kind": "earned",
                        "collected": collected,
                        "rate": rate,
                        "amount": company.currency_id.round(amount),
                    }
                )
        return commission_line._insert_lines(vals_list)
