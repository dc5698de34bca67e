from odoo import _, api, fields, models
from odoo.osv import expression
from odoo.tools import SQL, float_compare, format_amount, format_date


class AccountMove(models.Model):
    _inherit = "account.move"

    in_dispute = fields.Boolean(
        copy=False,
        tracking=True,
        index="btree_not_null",
        help="The customer disputes this invoice: its dunning is paused until the dispute is "
        "closed. Set by the dispute register, or by hand.",
    )
    credit_invoice_warning = fields.Text(
        string="Credit Warning",
        compute="_compute_credit_invoice_warning",
        help="The customer's limit in force, its policy and the exposure the credit check counts.",
    )
    # Kept in a table of their own (credit.dunning.invoice.stage): the run moves 100,000s of
    # invoices on without rewriting them.
    dunning_invoice_stage_ids = fields.One2many(
        "credit.dunning.invoice.stage", "move_id", string="Dunning Stage of an Invoice", readonly=True
    )
    dunning_stage_id = fields.Many2one(
        "credit.dunning.stage",
        compute="_compute_dunning_stage",
        inverse="_inverse_dunning_stage",
        search="_search_dunning_stage_id",
        copy=False,
        readonly=True,
        help="Last dunning stage this invoice reached.",
    )
    dunning_stage_date = fields.Date(
        string="Dunning Stage Reached On",
        compute="_compute_dunning_stage",
        inverse="_inverse_dunning_stage",
        search="_search_dunning_stage_date",
        copy=False,
        readonly=True,
        help="When the invoice reached its last dunning stage: the next one comes a day later at the soonest.",
    )
    dunning_hold_until = fields.Date(
        string="Promised Payment Date",
        copy=False,
        help="The customer promised to pay by this date: dunning waits until then.",
    )
    dunning_action_ids = fields.Many2many(
        "credit.dunning.action",
        "credit_dunning_action_move_rel",
        "move_id",
        "action_id",
        string="Dunning History",
        copy=False,
        readonly=True,
    )

    dunning_next_stage_id = fields.Many2one(
        "credit.dunning.stage",
        string="Next Dunning Stage",
        compute="_compute_dunning_next_step",
        help="What dunning will do next on this invoice if it stays unpaid.",
    )
    dunning_next_date = fields.Date(string="Next Dunning Date", compute="_compute_dunning_next_step")

    def init(self):
        """The gate's new-customer check (has the customer a posted invoice in the company?)
        at every confirmation when the company gives new customers a credit of their own: an
        index of the posted customer invoices alone, never a scan of the journal entries."""
        result = super().init()
        self.env.cr.execute(
            SQL(
                """
                CREATE INDEX IF NOT EXISTS account_move_credit_invoiced_customer_idx
                    ON account_move (commercial_partner_id, company_id)
                 WHERE move_type IN ('out_invoice', 'out_refund') AND state = 'posted'
                """
            )
        )
        return result

    @api.depends(
        "state",
        "payment_state",
        "in_dispute",
        "invoice_date_due",
        "dunning_stage_id",
        "dunning_stage_date",
        "dunning_hold_until",
        "commercial_partner_id",
    )
    def _compute_dunning_next_step(self):
        """The next stage of the customer's policy after the one reached, on its offset from
        the due date, or later if the customer promised to pay by then: read from the
        coming dunning steps, where that rule is written."""
        steps = self.env["credit.dunning.forecast"].sudo()._next_steps(self._origin.filtered("id"))
        for move in self:
            move.dunning_next_stage_id, move.dunning_next_date = steps.get(move._origin.id, (False, False))

    @api.depends("dunning_invoice_stage_ids.stage_id", "dunning_invoice_stage_ids.stage_date")
    def _compute_dunning_stage(self):
        # One query for all the invoices at hand; read as the invoice itself is.
        records = (
            self.env["credit.dunning.invoice.stage"]
            .sudo()
            .search_fetch([("move_id", "in", self._origin.filtered("id").ids)], ["move_id", "stage_id", "stage_date"])
        )
        stages = {record.move_id.id: record for record in records}
        for move in self:
            record = stages.get(move._origin.id)
            move.dunning_stage_id = record.stage_id.with_env(self.env) if record else False
            move.dunning_stage_date = record.stage_date if record else False

    def _inverse_dunning_stage(self):
        """Set by hand (data, tests) as the run sets it; with the rights on the stages of
        invoices (finance), not those on the invoice."""
        Stage = self.env["credit.dunning.invoice.stage"]
        records = Stage.search([("move_id", "in", self.ids)])
        existing = {record.move_id.id: record for record in records}
        to_create = []
        for move in self:
            record = existing.get(move.id)
            if not move.dunning_stage_id:
                if record:
                    record.unlink()
                continue
            values = {
                "stage_id": move.dunning_stage_id.id,
                "stage_date": move.dunning_stage_date or fields.Date.context_today(self),
            }
            if record:
                record.write(values)
            else:
                to_create.append({"move_id": move.id, **values})
        Stage.create(to_create)

    def _search_dunning_stage_id(self, operator, value):
        return self._search_dunning_stage("stage_id", operator, value)

    def _search_dunning_stage_date(self, operator, value):
        return self._search_dunning_stage("stage_date", operator, value)

    def _search_dunning_stage(self, field_name, operator, value):
        """Invoices without a stage have neither field: they match "is not set" and the
        negative operators, as a stored field's empty value does."""
        Stage = self.env["credit.dunning.invoice.stage"].sudo()
        if operator in ("=", "!=") and value is False:
            matching = Stage._search([]).subselect("move_id")
            return [("id", "not in" if operator == "=" else "in", matching)]
        if operator in expression.NEGATIVE_TERM_OPERATORS:
            positive = expression.TERM_OPERATORS_NEGATION[operator]
            return [("id", "not in", Stage._search([(field_name, positive, value)]).subselect("move_id"))]
        return [("id", "in", Stage._search([(field_name, operator, value)]).subselect("move_id"))]

    @api.depends("company_id", "partner_id", "tax_totals", "currency_id", "state", "move_type")
    def _compute_credit_invoice_warning(self):
        """The banner of a draft invoice reads the limit in force (a temporary one while it
        lasts) and the exposure the credit check counts, not Odoo's permanent limit only.
        Odoo's own banner (partner_credit_warning) stays as Odoo computes it; the form shows
        this one in its place. The exposures of all the invoices' customers are read at once
        per company: an export or an RPC read may ask for many invoices."""
        drafts = self.filtered(lambda m: m.state == "draft" and m.move_type == "out_invoice" and m.partner_id)
        exposures = {}
        for company, moves in drafts.grouped("company_id").items():
            debtors = moves.partner_id.commercial_partner_id._origin.with_company(company).sudo()
            exposures[company] = debtors._get_credit_exposure(company)
        for move in self:
            move.credit_invoice_warning = (
                move._credit_invoice_warning(exposures.get(move.company_id, {})) if move in drafts else ""
            )

    def _credit_invoice_warning(self, exposures=None):
        """``exposures``: _get_credit_exposure of the customer in the invoice's company, when read already."""
        self.ensure_one()
        if self.state != "draft" or self.move_type != "out_invoice" or not self.partner_id:
            return ""
        company = self.company_id
        debtor = self.partner_id.commercial_partner_id._origin.with_company(company).sudo()
        if not debtor or debtor._get_credit_policy() == "none":
            return ""
        limit = debtor._get_credit_limit_in_force()
        if not limit:
            return ""
        if exposures is None:
            exposures = debtor._get_credit_exposure(company)
        exposure = exposures.get(debtor.id, {})
        # A draft invoice of an order is still in the order book: only the rest is new credit.
        current = max(self.amount_total_signed - self._get_partner_credit_warning_exclude_amount(), 0.0)
        total = exposure.get("receivable", 0.0) + exposure.get("order_book", 0.0) + current
        currency = company.currency_id
        if float_compare(total, limit, precision_rounding=currency.rounding) <= 0:
            return ""
        until = debtor.credit_limit_temporary_until
        if until and until >= fields.Date.context_today(self):
            limit_label = _(
                "%(limit)s (temporary limit until %(date)s)",
                limit=format_amount(self.env, limit, currency),
                date=format_date(self.env, until),
            )
        else:
            limit_label = format_amount(self.env, limit, currency)
        return _(
            "With this invoice, %(customer)s is %(excess)s over its credit limit of %(limit)s: "
            "exposure %(exposure)s (receivables, orders to invoice and this invoice).",
            customer=debtor.name,
            excess=format_amount(self.env, total - limit, currency),
            limit=limit_label,
            exposure=format_amount(self.env, total, currency),
        )

    def _dunning_open_dispute(self, action):
        """Hook of the 'dispute' outcome of a dunning contact; dispute_tracking extends it to
        open a dispute. Here, the invoices are flagged and dunning skips them."""
        self.sudo().write({"in_dispute": True})
        return True
