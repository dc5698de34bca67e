from odoo import api, models
from odoo.tools import SQL

COMMISSION_TYPES = ("out_invoice", "out_refund")
# Only what is settled in these journals is cash.
CASH_JOURNAL_TYPES = ("bank", "cash")


# The two queries of a batch of reconciliations as functions of the database: PostgreSQL plans
# them once per connection (one plan for all calls), where planning them at each
# reconciliation took 1.8 ms and 4 ms against 0.35 ms and 0.13 ms to run them. No JIT: see
# commission.plan._plans_sql. {name: (arguments, result columns, query method)}
COMMISSION_FUNCTIONS = {
    "sales_commission_cash_shares": (
        "p_ids integer[]",
        "r_move_id integer, r_user_id integer, r_share double precision, r_company_id integer,"
        " r_plan_id integer, r_dates date[], r_untaxed numeric, r_total numeric",
        "_commission_shares_query",
    ),
    "sales_commission_cash_entry_totals": (
        "p_ids integer[]",
        "r_move_id integer, r_cash_journal boolean, r_is_cash boolean, r_balance numeric",
        "_commission_entry_totals_query",
    ),
}


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    def init(self):
        """The queries as functions of the database (COMMISSION_FUNCTIONS), made anew at each
        update: they follow the columns and relations they read."""
        result = super().init()
        for name, (arguments, columns, query) in COMMISSION_FUNCTIONS.items():
            self.env.cr.execute(SQL("DROP FUNCTION IF EXISTS %s", SQL.identifier(name)))
            self.env.cr.execute(
                SQL(
                    """
                    CREATE FUNCTION %(name)s(%(arguments)s) RETURNS TABLE (%(columns)s)
                    LANGUAGE plpgsql VOLATILE SET plan_cache_mode = force_generic_plan SET jit = off
                    AS $commission$ BEGIN RETURN QUERY %(query)s; END $commission$
                    """,
                    name=SQL.identifier(name),
                    arguments=SQL(arguments),
                    columns=SQL(columns),
                    query=getattr(self, query)(SQL("p_ids")),
                )
            )
        return result

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        partials._commission_create_lines(new=True)
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

    def _commission_entry_totals(self, entries):
        """{entry: [(is cash, balance)]}: the entry's lines summed by account and side, each
        row telling whether it is cash, in one query for all the entries met; an entry
        outside bank and cash journals gets None. Cash: liquidity accounts (type Bank and
        Cash), the outstanding receipts and payments accounts of the journal's payment
        methods, the company's default ones, and the payment's own outstanding account. A
        bulk entry clearing a thousand invoices gives a few rows, read once per batch."""
        if not entries:
            return {}
        for model, names in (
            ("account.move.line", ["move_id", "account_id", "balance"]),
            ("account.move", ["journal_id", "origin_payment_id"]),
            ("account.payment", ["outstanding_account_id"]),
            ("account.account", ["account_type"]),
        ):
            self.env[model].flush_model(names)
        rows = self.env.execute_query(
            SQL("SELECT * FROM sales_commission_cash_entry_totals(%s::integer[])", entries.ids)
        )
        totals = {entry: None for entry in entries}
        for move_id, cash_journal, is_cash, balance in rows:
            entry = entries.browse(move_id)
            if cash_journal:
                totals[entry] = (totals[entry] or []) + [(is_cash, balance)]
        return totals

    @api.model
    def _commission_entry_totals_query(self, ids):
        """The query of ``_commission_entry_totals`` for the entries of the integer array ``ids``
        (SQL)."""
        return SQL(
            """
            SELECT line.move_id, journal.type IN %(cash_types)s,
                   account.account_type = 'asset_cash'
                   OR line.account_id = payment.outstanding_account_id
                   OR line.account_id IN (SELECT method.payment_account_id FROM account_payment_method_line method
                                           WHERE method.journal_id = journal.id)
                   OR EXISTS (SELECT 1 FROM ir_model_data data
                               WHERE data.module = 'account' AND data.model = 'account.account'
                                 AND data.res_id = line.account_id
                                 AND data.name IN (split_part(company.parent_path, '/', 1) || %(debit)s,
                                                   split_part(company.parent_path, '/', 1) || %(credit)s)),
                   SUM(line.balance)::numeric
              FROM account_move_line line
              JOIN account_move move ON move.id = line.move_id
              JOIN account_journal journal ON journal.id = move.journal_id
              JOIN res_company company ON company.id = journal.company_id
              JOIN account_account account ON account.id = line.account_id
              LEFT JOIN account_payment payment ON payment.id = move.origin_payment_id
             WHERE line.move_id = ANY(%(ids)s) AND line.balance != 0
             GROUP BY line.move_id, journal.id, company.id, line.account_id, account.account_type,
                      payment.outstanding_account_id, line.balance > 0
            """,
            cash_types=CASH_JOURNAL_TYPES,
            debit="_account_journal_payment_debit_account_id",
            credit="_account_journal_payment_credit_account_id",
            ids=ids,
        )

    @staticmethod
    def _commission_cash_share(totals, direction):
        """Share of an entry that is cash, from its `totals` [(is cash, balance)] by account
        and side, seen from its line of sign `direction` reconciled with the invoice: the
        cash moving the other way (net), over everything moving the other way. A payment is
        all cash; with a write-off, cash / (cash + write-off); an entry outside bank and
        cash journals (None), or without cash lines, none."""
        if not totals:
            return 0.0
        total = cash = 0.0
        for is_cash, balance in totals:
            if balance * direction < 0:
                total -= direction * balance
            if is_cash:
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
                "invoice_date_due",
            ]
        )
        return lines.move_id.filtered(lambda move: move.move_type == "entry")

    def _commission_collections(self):
        """[(partial, invoice, cash date, amount collected, cash share)] in payment order; the
        shares of payments are computed once per entry, the invoice's untaxed share comes
        with its salespeople (``_commission_shares_and_plans``)."""
        entry_totals = self._commission_entry_totals(self._commission_fetch())
        cash_share, collections = {}, []
        for partial in self:
            sides = partial._commission_sides()
            if not sides:
                continue
            doc_line, cash_line, sign = sides
            invoice = doc_line.move_id
            cash_key = (cash_line.move_id, 1 if cash_line.balance > 0 else -1)
            if cash_key not in cash_share:
                cash_share[cash_key] = self._commission_cash_share(entry_totals[cash_line.move_id], cash_key[1])
            if not cash_share[cash_key]:
                continue
            collected = sign * self._commission_cash_amount(partial, cash_line)
            collections.append((partial, invoice, cash_line.date, collected, cash_share[cash_key]))
        collections.sort(key=lambda item: (item[2], item[0].id))
        return collections

    @api.model
    def _commission_shares_query(self, ids):
        """The query of ``_commission_shares_and_plans`` for the invoices of the integer array
        ``ids`` (SQL): plans and validated periods read once per salesperson, by joins (see
        ``commission.plan._plans_sql``)."""
        return SQL(
            """
            WITH locked AS (
                SELECT id, company_id FROM account_move WHERE id = ANY(%(ids)s) ORDER BY id FOR NO KEY UPDATE
            ), share AS (
                SELECT share.move_id, share.user_id, share.share, locked.company_id
                  FROM (%(shares)s) share
                  JOIN locked ON locked.id = share.move_id
                 WHERE share.user_id IS NOT NULL
            ), untaxed AS (
                -- The invoice's untaxed share, as account.move._compute_amount sums it: the
                -- stored totals are to recompute once reconciled, and reading them would
                -- recompute the invoice and the entry now, then again at the flush.
                SELECT line.move_id,
                       SUM(line.balance) FILTER (WHERE line.display_type = 'product' OR (
                           line.display_type = 'rounding' AND line.tax_repartition_line_id IS NULL)) AS untaxed,
                       SUM(line.balance) FILTER (WHERE line.display_type IN ('product', 'rounding', 'tax')) AS total
                  FROM account_move_line line
                 WHERE line.move_id IN (SELECT id FROM locked)
                 GROUP BY line.move_id
            ), seller AS (
                SELECT DISTINCT company_id, user_id FROM share
            ), period AS (
                SELECT seller.company_id, seller.user_id,
                       ARRAY_AGG(ARRAY[settlement.date_from, settlement.date_to]) AS dates
                  FROM seller
                  JOIN commission_settlement settlement
                    ON settlement.user_id = seller.user_id AND settlement.company_id = seller.company_id
                 WHERE settlement.state != 'draft'
                 GROUP BY seller.company_id, seller.user_id
            )
            SELECT share.move_id, share.user_id, share.share::double precision, share.company_id, plan.plan_id,
                   period.dates, untaxed.untaxed::numeric, untaxed.total::numeric
              FROM share
              LEFT JOIN untaxed ON untaxed.move_id = share.move_id
              LEFT JOIN (%(plans)s) plan ON plan.company_id = share.company_id AND plan.user_id = share.user_id
              LEFT JOIN period ON period.company_id = share.company_id AND period.user_id = share.user_id
            """,
            ids=ids,
            plans=self.env["commission.plan"]._plans_sql(SQL("SELECT company_id, user_id FROM seller")),
            shares=self.env["commission.split"]._shares_sql(SQL("m.id IN (SELECT id FROM locked)")),
        )

    def _commission_shares_and_plans(self, invoices):
        """({move_id: [(user_id, share)]}, {(company_id, user_id): plan}, validated periods as
        ``commission.line._locked_periods`` gives them, {move_id: untaxed share}) of
        `invoices`, locked (see ``commission.line._lock_invoices``), in one query."""
        for model, names in (
            ("account.move", ["company_id", "invoice_user_id"]),
            ("account.move.line", ["move_id", "balance", "display_type", "tax_repartition_line_id"]),
            ("sale.order", ["user_id"]),
            ("sale.order.line", ["order_id", "invoice_lines"]),
            ("res.users", ["sale_team_id"]),
        ):
            self.env[model].flush_model(names)
        for model in ("commission.split", "commission.plan", "commission.settlement"):
            self.env[model].flush_model()
        rows = self.env.execute_query(SQL("SELECT * FROM sales_commission_cash_shares(%s::integer[])", invoices.ids))
        shares, plan_ids, locked, untaxed_share = {}, {}, {}, {}
        for move_id, user_id, share, company_id, plan_id, periods, untaxed, total in rows:
            shares.setdefault(move_id, []).append((user_id, float(share)))
            # As the ORM gives the stored totals: floats rounded to the currency.
            currency = self.env["res.company"].browse(company_id).currency_id
            untaxed_share[move_id] = (
                currency.round(-float(untaxed or 0.0)) / currency.round(-float(total)) if total else 0.0
            )
            if plan_id:
                plan_ids[(company_id, user_id)] = plan_id
            if periods:
                locked[(company_id, user_id)] = sorted({(date_from, date_to) for date_from, date_to in periods})
        plans = self.env["commission.plan"].sudo().browse(set(plan_ids.values()))
        by_id = {plan.id: plan for plan in plans}
        return shares, {key: by_id[plan_id] for key, plan_id in plan_ids.items()}, locked, untaxed_share

    def _commission_create_lines(self, new=False):
        """Commission lines of these reconciliations, with a constant number of queries
        whatever their number: salespeople and plans are read for all invoices at once
        (with their lock), the lines are inserted together. `new` reconciliations (just
        created) have earned nothing yet: no need to look."""
        collections = self._commission_collections()
        if not collections:
            return self.env["commission.line"]
        invoices = self.env["account.move"].union(*(invoice for _p, invoice, _d, _c, _s in collections))
        commission_line = self.env["commission.line"].sudo()
        shares, plans, locked, untaxed_share = self._commission_shares_and_plans(invoices)
        earned = set() if new else commission_line._earned_pairs(self)
        collected_before = commission_line._collected_by_tier_period(
            plans, [date for _p, _i, date, _c, _s in collections]
        )
        vals_list = []
        for partial, invoice, date, cash_collected, cash_share in collections:
            collected_total = cash_collected * untaxed_share.get(invoice.id, 0.0) * cash_share
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
        return commission_line._insert_lines(vals_list, locked)
