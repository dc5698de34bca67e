from odoo import api, models

COMMISSION_TYPES = ("out_invoice", "out_refund")


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
        """(invoice line, cash line, sign) when a customer document meets cash; credit notes
        matched with invoices, and exchange differences, earn nothing."""
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

    @staticmethod
    def _commission_writeoff_share(cash_line):
        """A payment with a write-off credits the invoice with cash plus the amount written
        off: only the cash (liquidity lines) earns."""
        move = cash_line.move_id
        counterpart = move.line_ids - cash_line
        liquidity = counterpart.filtered(
            lambda line: line.account_id.account_type in ("asset_cash", "liability_credit_card")
        )
        payment = move.origin_payment_id
        if payment:
            liquidity = counterpart.filtered(lambda line: line.account_id == payment.outstanding_account_id)
        if not liquidity or not cash_line.balance:
            return 1.0
        return min(1.0, abs(sum(liquidity.mapped("balance")) / cash_line.balance))

    def _commission_fetch(self):
        """Read what the computation needs, one query per model whatever the number of
        reconciliations (the ORM would read it in batches of a thousand)."""
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

    def _commission_collections(self):
        """[(partial, invoice, cash date, untaxed amount collected)] in payment order; the
        shares of invoices and payments are computed once per document."""
        self._commission_fetch()
        untaxed_share, writeoff_share, collections = {}, {}, []
        for partial in self:
            sides = partial._commission_sides()
            if not sides:
                continue
            doc_line, cash_line, sign = sides
            invoice = doc_line.move_id
            if invoice not in untaxed_share:
                untaxed_share[invoice] = self._commission_untaxed_share(invoice)
            if cash_line not in writeoff_share:
                writeoff_share[cash_line] = self._commission_writeoff_share(cash_line)
            collected = (
                sign
                * self._commission_cash_amount(partial, cash_line)
                * untaxed_share[invoice]
                * writeoff_share[cash_line]
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
        shares = self.env["commission.split"].sudo()._shares_of(invoices)
        salespeople = {
            (invoice.company_id.id, user_id) for invoice in invoices for user_id, _share in shares.get(invoice.id, [])
        }
        plans = self.env["commission.plan"].sudo()._plans_for(salespeople)
        commission_line = self.env["commission.line"].sudo()
        collected_before = commission_line._collected_by_tier_period(plans, [date for _p, _i, date, _c in collections])
        vals_list = []
        for partial, invoice, date, collected_total in collections:
            company = invoice.company_id
            for user_id, share in shares.get(invoice.id, []):
                plan = plans.get((company.id, user_id))
                if not plan:
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
                        "kind": "earned",
                        "collected": collected,
                        "rate": rate,
                        "amount": company.currency_id.round(amount),
                    }
                )
        return commission_line._insert_lines(vals_list)
