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

    @api.model
    def _commission_salesperson(self, invoice):
        return invoice.invoice_user_id or invoice.invoice_line_ids.sale_line_ids.order_id.user_id[:1]

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

    def _commission_create_lines(self):
        plans = self.env["commission.plan"].sudo()._plans_by_user(self.company_id)
        vals_list = []
        for partial in self:
            sides = partial._commission_sides()
            if not sides:
                continue
            doc_line, cash_line, sign = sides
            invoice = doc_line.move_id
            user = self._commission_salesperson(invoice)
            plan = plans.get((invoice.company_id.id, user.id)) or plans.get((invoice.company_id.id, False))
            if not user or not plan:
                continue
            date = cash_line.date
            collected = (
                sign * self._commission_cash_amount(partial, cash_line) * self._commission_untaxed_share(invoice)
            )
            collected *= self._commission_writeoff_share(cash_line)
            rate = plan._rate_for(date, invoice.invoice_date_due)
            vals_list.append(
                {
                    "company_id": invoice.company_id.id,
                    "user_id": user.id,
                    "plan_id": plan.id,
                    "move_id": invoice.id,
                    "partner_id": invoice.commercial_partner_id.id,
                    "partial_id": partial.id,
                    "date": date,
                    "kind": "earned",
                    "collected": invoice.company_id.currency_id.round(collected),
                    "rate": rate,
                    "amount": invoice.company_id.currency_id.round(collected * rate / 100.0),
                }
            )
        return self.env["commission.line"].sudo().create(vals_list)

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
