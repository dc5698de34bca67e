import json
from types import MappingProxyType

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from .credit_aged_balance import AGED_BUCKETS
from .credit_insurance_cover import IN_FORCE_STATES
from .credit_intake_audit import AUDITED_PARTNER_FIELDS
from .credit_payment_behaviour import GRADES, PROPOSALS
from .res_company import CREDIT_POLICIES

# Fields that only finance (the Credit Control group) may change: they decide whether
# orders go through.
CREDIT_DECISION_FIELDS = (
    "credit_limit",
    "use_partner_credit_limit",
    "credit_policy",
    "credit_cash_in_advance",
    "credit_limit_temporary",
    "credit_limit_temporary_until",
)
# What protects a customer's credit: set in any company, only finance may weaken it.
CREDIT_PROTECTION_FIELDS = ("credit_limit", "credit_policy", "credit_cash_in_advance", "credit_limit_temporary")
# The debtor's fields the credit gate decides on (company-dependent all).
CREDIT_GATE_PARTNER_FIELDS = (
    "credit_policy",
    "credit_cash_in_advance",
    "credit_limit",
    "credit_limit_temporary",
    "credit_limit_temporary_until",
)
# What the gate's read (credit_control_gate_read) reads besides the orders, by model
# (test_gate_flushes_every_column_its_read_reads compares it with the SQL).
CREDIT_GATE_READ_INPUTS = {
    "res.partner": (
        "commercial_partner_id",
        "credit_open_balances",
        "credit_require_client_ref",
        "tz",  # the user's, for today's date without a time zone in the context
        *CREDIT_GATE_PARTNER_FIELDS,
    ),
    "res.users": ("partner_id",),
    "res.currency": ("rounding",),
    "res.company": (
        "credit_policy",
        "credit_overdue_days",
        "credit_insurance_limit",
        "currency_id",
        "credit_new_customer_mode",
        "credit_new_customer_limit",
    ),
    "credit.application": ("partner_id", "company_id", "state"),
    "account.move": ("commercial_partner_id", "company_id", "move_type", "state"),
    "credit.insurance.cover": ("partner_id", "company_id", "state", "date_start", "date_end", "amount_granted"),
    "account.payment.term.line": ("payment_id", "nb_days", "delay_type"),
    "payment.transaction": ("sale_order_ids",),
    "sale.order": ("transaction_ids",),  # whether the orders confirmed are paid online
}
# The columns of the other confirmed orders the order book sums.
CREDIT_GATE_ORDER_BOOK_FIELDS = ("state", "company_id", "currency_id", "partner_invoice_id", "credit_amount_to_invoice")
# Who reads a customer's balances, as Odoo's own credit and debit fields: accountants and
# auditors. Salespeople read the exposure on their own quotations (sale.order).
ACCOUNTING_READERS = "account.group_account_invoice,account.group_account_readonly"
# The states of a credit application (credit.application) that still wait for a decision.
APPLICATION_OPEN_STATES = ("draft", "submitted")


def _credit_amount(string, compute, help_text):
    """A computed amount of the customer's credit, in its credit currency, for accounting readers."""
    return fields.Monetary(
        string=string, currency_field="credit_currency_id", compute=compute, groups=ACCOUNTING_READERS, help=help_text
    )


def credit_order_book_condition(alias):
    """The orders of the order book, in one place for the gate, its index
    (sale_order_credit_book_idx) and every query that sums it: confirmed, with an amount
    left to invoice."""
    return SQL("%(sale)s.state = 'sale' AND %(sale)s.credit_amount_to_invoice <> 0", sale=SQL.identifier(alias))


# What the credit gate reads at each confirmation (res.partner._credit_gate_read), as a function
# of the database: PostgreSQL parses and plans its query once per connection, not at every
# confirmation (that took longer than running it). Kept in step with the columns by init().
CREDIT_GATE_READ_FUNCTION = SQL(
    """
    CREATE FUNCTION credit_control_gate_read(
        p_company integer, p_orders integer[], p_sales integer[], p_invoice_partners integer[],
        p_terms integer[], p_current integer[], p_tz varchar, p_uid integer, p_lock boolean,
        p_policy_fallback varchar, p_cover_states varchar[], p_new_customer_modes varchar[])
    RETURNS TABLE (
        r_today date, r_company_policy varchar, r_overdue_days integer, r_currency_id integer,
        r_rounding numeric, r_order integer, r_debtor_id integer, r_requires_ref boolean,
        r_has_transactions boolean, r_immediate boolean, r_policy jsonb, r_cash_in_advance jsonb,
        r_limit jsonb, r_limit_temporary jsonb, r_limit_temporary_until jsonb, r_receivable numeric,
        r_oldest date, r_book json, r_insured numeric, r_new_customer_limit numeric,
        r_new_customer_mode varchar)
    -- one plan for every call: a plan made for the sizes of the arrays at hand would be
    -- made again at each call, for a cost the plan cannot gain back on a few orders
    LANGUAGE plpgsql VOLATILE SET plan_cache_mode = force_generic_plan AS $gate$
    #variable_conflict use_column
    BEGIN
    -- p_lock: the debtors whose credit is checked (policy other than none, as
    -- _credit_policy_of), so that two transactions confirming orders of the same customer
    -- cannot both pass on the same exposure. Odoo runs its transactions in REPEATABLE
    -- READ: a plain lock would let the second one pass on its old snapshot, while updating
    -- the row makes it fail on a serialization error, and Odoo retries it with a snapshot
    -- that sees the first order. A statement of its own, run only then: the read alone
    -- must run in read-only transactions (forms read by the web client).
    IF p_lock THEN
        UPDATE res_partner debtor SET write_date = debtor.write_date
          FROM res_company company
         WHERE company.id = p_company
           AND debtor.id IN (SELECT invoice.commercial_partner_id FROM res_partner invoice
                              WHERE invoice.id = ANY(p_invoice_partners))
           AND COALESCE(debtor.credit_policy ->> p_company::text, p_policy_fallback,
                        company.credit_policy, 'alert') != 'none';
    END IF;
    RETURN QUERY
    WITH local AS (
        -- fields.Date.context_today, without reading the user's record when the request
        -- gives its time zone. Two lookups, not a join: the generic plan of a join merges
        -- the users with the contacts in id order, up to the user's own (a portal user's is
        -- among the last).
        SELECT (now() AT TIME ZONE COALESCE(
                    p_tz,
                    (SELECT partner.tz FROM res_partner partner
                      WHERE partner.id = (SELECT usr.partner_id FROM res_users usr WHERE usr.id = p_uid)),
                    'UTC'))::date AS today
    ), current_order AS (
        SELECT o.order_id, o.sale_id, o.term_id, invoice.commercial_partner_id AS debtor_id
          FROM unnest(p_orders, p_sales, p_invoice_partners, p_terms)
               AS o (order_id, sale_id, invoice_partner_id, term_id)
          JOIN res_partner invoice ON invoice.id = o.invoice_partner_id
    )
    SELECT local.today, company.credit_policy::varchar, company.credit_overdue_days, currency.id,
           currency.rounding, c.order_id, c.debtor_id, debtor.credit_require_client_ref,
           EXISTS (SELECT 1 FROM sale_order_transaction_rel rel WHERE rel.sale_order_id = c.sale_id),
           -- account.payment.term._is_immediate, for customers on cash in advance
           c.term_id IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM account_payment_term_line term_line
                 WHERE term_line.payment_id = c.term_id
                   AND (term_line.nb_days != 0 OR term_line.delay_type != 'days_after')),
           debtor.credit_policy -> p_company::text,
           debtor.credit_cash_in_advance -> p_company::text,
           debtor.credit_limit -> p_company::text,
           debtor.credit_limit_temporary -> p_company::text,
           debtor.credit_limit_temporary_until -> p_company::text,
           balance.total, balance.oldest, book.amounts, cover.amount_granted::numeric,
           company.credit_new_customer_limit::numeric,
           -- res.partner.credit_new_customer, but for the limit: only when the company gives
           -- new customers a credit of their own (account_move_credit_invoiced_customer_idx)
           CASE WHEN company.credit_new_customer_mode = ANY(p_new_customer_modes)
                AND NOT EXISTS (
                    SELECT 1 FROM account_move move
                     WHERE move.commercial_partner_id = debtor.id
                       AND move.company_id = p_company
                       AND move.move_type IN ('out_invoice', 'out_refund')
                       AND move.state = 'posted')
                AND NOT EXISTS (
                    SELECT 1 FROM credit_application application
                     WHERE application.partner_id = debtor.id
                       AND application.company_id = p_company
                       AND application.state = 'granted')
                THEN company.credit_new_customer_mode::varchar END
      FROM local, current_order c
      JOIN res_company company ON company.id = p_company
      JOIN res_currency currency ON currency.id = company.currency_id
      JOIN res_partner debtor ON debtor.id = c.debtor_id
      LEFT JOIN LATERAL (
            SELECT SUM((contact.credit_open_balances -> p_company::text ->> 0)::numeric) AS total,
                   MIN((contact.credit_open_balances -> p_company::text ->> 1)::date) AS oldest
              FROM res_partner contact
             WHERE contact.commercial_partner_id = debtor.id
               AND contact.credit_open_balances ? p_company::text
      ) balance ON true
      LEFT JOIN LATERAL (
            SELECT json_object_agg(by_currency.currency_id, by_currency.amount) AS amounts
              FROM (SELECT sale.currency_id, SUM(sale.credit_amount_to_invoice) AS amount
                      FROM sale_order sale
                      JOIN res_partner partner ON partner.id = sale.partner_invoice_id
                     WHERE partner.commercial_partner_id = debtor.id
                       AND sale.company_id = p_company
                       AND %(order_book)s
                       AND sale.id != ALL(p_current)
                  GROUP BY 1) by_currency
      ) book ON true
      LEFT JOIN LATERAL (
            SELECT cover.amount_granted
              FROM credit_insurance_cover cover
             WHERE company.credit_insurance_limit AND cover.partner_id = debtor.id
               AND cover.company_id = p_company
               AND cover.state = ANY(p_cover_states)
               AND cover.date_start <= local.today
               AND (cover.date_end IS NULL OR cover.date_end >= local.today)
             ORDER BY cover.id
             LIMIT 1
      ) cover ON true;
    END
    $gate$
    """,
    order_book=credit_order_book_condition("sale"),
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Odoo's own limit, now tracked in the chatter.
    credit_limit = fields.Float(tracking=True)
    credit_policy = fields.Selection(
        CREDIT_POLICIES,
        company_dependent=True,
        tracking=True,
        help="What happens when an order takes this customer over its credit limit. "
        "Empty: the company's default policy.",
    )
    credit_cash_in_advance = fields.Boolean(
        string="Cash in Advance",
        company_dependent=True,
        tracking=True,
        help="Bad payer: orders are held unless paid in full online or sold with an immediate payment term.",
    )
    credit_limit_temporary = fields.Float(
        string="Temporary Credit Limit",
        company_dependent=True,
        tracking=True,
        help="Limit that replaces the credit limit until its end date, then reverts by itself.",
    )
    credit_limit_temporary_until = fields.Date(
        string="Temporary Limit Until",
        company_dependent=True,
        tracking=True,
    )
    credit_require_client_ref = fields.Boolean(
        string="Requires Customer Reference",
        help="This customer pays only invoices that quote its purchase order number: "
        "orders cannot be confirmed without a customer reference.",
    )
    credit_decision_ids = fields.One2many("credit.decision", "partner_id", string="Credit Decisions")
    credit_journal_item_ids = fields.One2many("account.move.line", "partner_id", string="Credit Journal Items")
    credit_open_balances = fields.Json(
        compute="_compute_credit_open_balances",
        groups=ACCOUNTING_READERS,
        store=True,
        copy=False,
        help="Open receivables by company: {company id: [total, oldest unpaid due date]}.",
    )
    credit_release_order_ids = fields.Many2many(
        "sale.order",
        string="Orders Waiting for a Credit Decision",
        compute="_compute_credit_release_order_ids",
    )
    credit_currency_id = fields.Many2one("res.currency", compute="_compute_credit_exposure")
    credit_effective_policy = fields.Selection(
        CREDIT_POLICIES, string="Applied Credit Policy", compute="_compute_credit_exposure"
    )
    credit_limit_effective = fields.Monetary(
        string="Limit in Force",
        currency_field="credit_currency_id",
        compute="_compute_credit_exposure",
        groups=ACCOUNTING_READERS,
    )
    credit_exposure_overdue = fields.Monetary(
        string="Overdue",
        currency_field="credit_currency_id",
        compute="_compute_credit_exposure",
        groups=ACCOUNTING_READERS,
    )
    credit_exposure_not_due = fields.Monetary(
        string="Not Yet Due",
        currency_field="credit_currency_id",
        compute="_compute_credit_exposure",
        groups=ACCOUNTING_READERS,
    )
    credit_exposure_order_book = fields.Monetary(
        string="Order Book",
        currency_field="credit_currency_id",
        compute="_compute_credit_exposure",
        help="Confirmed orders not yet invoiced, taxes included.",
        groups=ACCOUNTING_READERS,
    )
    credit_exposure = fields.Monetary(
        string="Exposure",
        currency_field="credit_currency_id",
        compute="_compute_credit_exposure",
        help="Open receivables (overdue and not yet due) plus the order book.",
        groups=ACCOUNTING_READERS,
    )
    credit_available = fields.Monetary(
        string="Available Credit",
        currency_field="credit_currency_id",
        compute="_compute_credit_exposure",
        groups=ACCOUNTING_READERS,
    )
    credit_can_decide = fields.Boolean(compute="_compute_credit_can_decide")
    credit_dunning_policy_id = fields.Many2one(
        "credit.dunning.policy",
        string="Dunning Policy",
        company_dependent=True,
        tracking=True,
        domain="[('company_id', '=', current_company_id)]",
        help="How this customer is contacted about its invoices. Empty: the company's default policy.",
    )
    credit_collector_id = fields.Many2one(
        "res.users",
        string="Collector",
        company_dependent=True,
        tracking=True,
        domain="[('share', '=', False), ('company_ids', 'in', current_company_id)]",
        help="Accountant who calls this customer and records the outcomes of its dunning. "
        "Empty: the dunning policy's collector, else the company's default collector.",
    )

    credit_dunning_action_ids = fields.One2many(
        "credit.dunning.action", "partner_id", string="Dunning Actions", readonly=True
    )
    credit_aged_not_due = fields.Monetary(
        string="Not Due",
        currency_field="credit_currency_id",
        compute="_compute_credit_aged_balance",
        groups=ACCOUNTING_READERS,
    )
    credit_aged_1_30 = fields.Monetary(
        string="1-30 Days",
        currency_field="credit_currency_id",
        compute="_compute_credit_aged_balance",
        groups=ACCOUNTING_READERS,
    )
    credit_aged_31_60 = fields.Monetary(
        string="31-60 Days",
        currency_field="credit_currency_id",
        compute="_compute_credit_aged_balance",
        groups=ACCOUNTING_READERS,
    )
    credit_aged_61_90 = fields.Monetary(
        string="61-90 Days",
        currency_field="credit_currency_id",
        compute="_compute_credit_aged_balance",
        groups=ACCOUNTING_READERS,
    )
    credit_aged_over_90 = fields.Monetary(
        string="Over 90 Days",
        currency_field="credit_currency_id",
        compute="_compute_credit_aged_balance",
        groups=ACCOUNTING_READERS,
    )
    credit_aged_disputed = fields.Monetary(
        string="Disputed",
        currency_field="credit_currency_id",
        compute="_compute_credit_aged_balance",
        groups=ACCOUNTING_READERS,
    )
    credit_aged_total = fields.Monetary(
        string="Receivable Balance",
        currency_field="credit_currency_id",
        compute="_compute_credit_aged_balance",
        groups=ACCOUNTING_READERS,
    )

    @api.model
    def _commercial_fields(self):
        return [
            *super()._commercial_fields(),
            "credit_policy",
            "credit_cash_in_advance",
            "credit_limit_temporary",
            "credit_limit_temporary_until",
            "credit_require_client_ref",
            "credit_dunning_policy_id",
            "credit_collector_id",
        ]

    # ------------------------------------------------------------------
    # Exposure
    # ------------------------------------------------------------------
    @api.depends_context("company")
    @api.depends(
        "commercial_partner_id",
        "credit_limit",
        "credit_policy",
        "credit_limit_temporary",
        "credit_limit_temporary_until",
    )
    def _compute_credit_exposure(self):
        company = self.env.company
        # A new partner (the form of a customer being created) has no exposure yet; one
        # being edited has its saved record's.
        commercial = self.commercial_partner_id._origin
        exposures = commercial._get_credit_exposure(company, detailed=True)
        for partner in self:
            debtor = partner.commercial_partner_id
            exposure = exposures.get(debtor._origin.id, {})
            limit = debtor._get_credit_limit_in_force()
            total = exposure.get("receivable", 0.0) + exposure.get("order_book", 0.0)
            partner.credit_currency_id = company.currency_id
            partner.credit_effective_policy = debtor._get_credit_policy()
            partner.credit_limit_effective = limit
            partner.credit_exposure_overdue = exposure.get("overdue", 0.0)
            partner.credit_exposure_not_due = exposure.get("not_due", 0.0)
            partner.credit_exposure_order_book = exposure.get("order_book", 0.0)
            partner.credit_exposure = total
            partner.credit_available = limit - total if limit else 0.0

    def _compute_credit_release_order_ids(self):
        groups = dict(
            self.env["sale.order"]._read_group(
                [
                    ("credit_release_state", "=", "requested"),
                    ("partner_invoice_id.commercial_partner_id", "in", self.commercial_partner_id.ids),
                ],
                groupby=["partner_invoice_id"],
                aggregates=["id:recordset"],
            )
        )
        for partner in self:
            orders = self.env["sale.order"]
            for invoice_partner, partner_orders in groups.items():
                if invoice_partner.commercial_partner_id == partner.commercial_partner_id._origin:
                    orders |= partner_orders
            partner.credit_release_order_ids = orders

    def _compute_credit_can_decide(self):
        self.credit_can_decide = self.env.user.has_group("credit_control.group_credit_controller")

    def _get_credit_policy(self):
        """Policy of this commercial partner in the current company."""
        self.ensure_one()
        return self.sudo().credit_policy or self.env.company.credit_policy or "alert"

    def _get_credit_limit_in_force(self):
        """Credit limit of this commercial partner in the current company: the temporary
        limit while it lasts, else its insurance cover when the company limits by cover
        (credit_insurance_cover.py), else the partner's (or the company's default) limit; a new
        customer the company's limit for new customers, when it gives one (credit.application)."""
        self.ensure_one()
        partner = self.sudo()
        until = partner.credit_limit_temporary_until
        if until and until >= fields.Date.context_today(self):
            return partner.credit_limit_temporary
        insured = partner._get_credit_insured_limit()
        if insured is not None:
            return insured
        if not partner.credit_limit and self._credit_new_customer_mode() == "default_limit":
            return self.env.company.credit_new_customer_limit
        return partner.credit_limit

    @api.model
    def _credit_policy_of(self, facts):
        """_get_credit_policy, from the gate's facts (_credit_gate_read)."""
        return facts["credit_policy"] or facts["company_policy"] or "alert"

    @api.model
    def _credit_limit_of(self, facts, today):
        """_get_credit_limit_in_force, from the gate's facts (_credit_gate_read)."""
        until = facts["credit_limit_temporary_until"]
        if until and until >= today:
            return facts["credit_limit_temporary"] or 0.0
        if facts["insured"] is not None:
            return facts["insured"]
        if not facts["credit_limit"] and facts["new_customer_mode"] == "default_limit":
            return facts["new_customer_limit"]
        return facts["credit_limit"] or 0.0

    @api.model
    def _credit_limit_applies_of(self, facts, limit):
        """_credit_limit_applies, from the gate's facts (_credit_gate_read)."""
        return bool(limit) or facts["new_customer_mode"] == "no_credit"

    def _credit_gate_facts(self):
        """The gate's facts of this debtor, read through the ORM."""
        self.ensure_one()
        partner = self.sudo()
        facts = {fname: partner[fname] for fname in CREDIT_GATE_PARTNER_FIELDS}
        facts["insured"] = partner._get_credit_insured_limit()
        facts["credit_require_client_ref"] = partner.credit_require_client_ref
        facts["today"] = fields.Date.context_today(self)
        company = self.env.company
        facts.update(
            company_policy=company.credit_policy,
            company_overdue_days=company.credit_overdue_days,
            company_currency_id=company.currency_id.id,
            company_rounding=company.currency_id.rounding,
            new_customer_mode=partner._credit_new_customer_mode(),
            new_customer_limit=company.credit_new_customer_limit,
        )
        return facts

    # The receivable items the credit check counts, in one place for every query below. The
    # test on reconciled is written as Odoo's partial index on unreconciled items expects it.
    def _credit_open_items_condition(self):
        receivable_accounts = self.env["account.account"].sudo().search([("account_type", "=", "asset_receivable")])
        return SQL(
            """line.account_id IN %s
               AND (line.reconciled IS NULL OR line.reconciled = false OR line.reconciled IS NOT true)
               AND line.parent_state = 'posted'""",
            tuple(receivable_accounts.ids) or (0,),
        )

    def _flush_credit_open_items(self):
        self.env["account.move.line"].flush_model(
            ["account_id", "amount_residual", "company_id", "parent_state", "partner_id", "reconciled", "date_maturity"]
        )

    @api.depends(
        "credit_journal_item_ids",
        "credit_journal_item_ids.amount_residual",
        "credit_journal_item_ids.reconciled",
        "credit_journal_item_ids.parent_state",
        "credit_journal_item_ids.date_maturity",
        "credit_journal_item_ids.account_id",
        "credit_journal_item_ids.company_id",
    )
    def _compute_credit_open_balances(self):
        """Open receivables of each partner, by company: their total and the due date of the
        oldest unpaid item. Kept up to date as the accounting moves, so that the check at
        confirmation reads a few rows instead of summing every open item of the customer."""
        balances = {}
        partner_ids = [pid for pid in self._ids if isinstance(pid, int)]
        if partner_ids:
            self._flush_credit_open_items()
            rows = self.env.execute_query(
                SQL(
                    """
                    SELECT line.partner_id, line.company_id, SUM(line.amount_residual),
                           MIN(line.date_maturity) FILTER (WHERE line.amount_residual > 0)
                      FROM account_move_line line
                     WHERE line.partner_id IN %s AND %s
                  GROUP BY 1, 2
                    """,
                    tuple(partner_ids),
                    self._credit_open_items_condition(),
                )
            )
            for pid, company_id, total, oldest in rows:
                balances.setdefault(pid, {})[str(company_id)] = [total, oldest and oldest.isoformat()]
        for partner in self:
            partner.credit_open_balances = balances.get(partner.id, {})

    def _get_credit_exposure(self, company, current_orders=None, detailed=False):
        """Exposure of the commercial partners ``self`` in ``company``, in its currency.

        A constant number of queries whatever the partners' history. Open receivables
        (posted, not reconciled, payments and credit notes deducted, as booked in the company
        currency) come from the balances kept on the partners, or, ``detailed``, from one
        aggregate that splits them by due date. The order book (confirmed orders not yet
        invoiced, taxes included, at today's rate) sums the amounts kept on the orders.
        ``current_orders`` are the orders being confirmed: they count in ``current``.

        :return: {partner id: {receivable, overdue, not_due, overdue_count, oldest_due_date,
                  order_book, current}}; overdue, not_due and overdue_count only when detailed
        """
        if not self.ids:  # nothing saved yet: nothing to sum
            return {}
        current_orders = current_orders or self.env["sale.order"]
        today = fields.Date.context_today(self)
        result = {
            pid: dict.fromkeys(("receivable", "overdue", "not_due", "order_book", "current", "overdue_count"), 0)
            | {"oldest_due_date": False}
            for pid in self.ids
        }
        if detailed:
            self._add_credit_receivables_by_due_date(company, result, today)
        else:
            self._add_credit_open_balances(company, result)
        self._add_credit_order_book(company, current_orders, result, today)
        return result

    def _add_credit_open_balances(self, company, result):
        self.env["res.partner"].flush_model(["commercial_partner_id", "credit_open_balances"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT commercial_partner_id,
                       SUM((credit_open_balances -> %(company)s ->> 0)::numeric),
                       MIN((credit_open_balances -> %(company)s ->> 1)::date)
                  FROM res_partner
                 WHERE commercial_partner_id IN %(partners)s AND credit_open_balances ? %(company)s
              GROUP BY 1
                """,
                company=str(company.id),
                partners=tuple(self.ids),
            )
        )
        for pid, total, oldest in rows:
            result[pid].update(receivable=float(total or 0.0), oldest_due_date=oldest)

    def _add_credit_receivables_by_due_date(self, company, result, today):
        self._flush_credit_open_items()
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT partner.commercial_partner_id,
                       line.date_maturity < %(today)s,
                       SUM(line.amount_residual),
                       COUNT(*) FILTER (WHERE line.amount_residual > 0),
                       MIN(line.date_maturity) FILTER (WHERE line.amount_residual > 0)
                  FROM account_move_line line
                  JOIN res_partner partner ON partner.id = line.partner_id
                 WHERE partner.commercial_partner_id IN %(partners)s
                   AND line.company_id = %(company)s
                   AND %(open_items)s
              GROUP BY 1, 2
                """,
                today=today,
                partners=tuple(self.ids),
                company=company.id,
                open_items=self._credit_open_items_condition(),
            )
        )
        for pid, overdue, amount, count, oldest in rows:
            if overdue:
                result[pid].update(overdue=amount, overdue_count=count, oldest_due_date=oldest)
            else:  # not yet due, or without a due date
                result[pid]["not_due"] += amount
            result[pid]["receivable"] += amount

    def _add_credit_order_book(self, company, current_orders, result, today):
        self.env["sale.order"].flush_model(
            ["state", "company_id", "currency_id", "partner_invoice_id", "credit_amount_to_invoice"]
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT partner.commercial_partner_id, sale.currency_id, SUM(sale.credit_amount_to_invoice)
                  FROM sale_order sale
                  JOIN res_partner partner ON partner.id = sale.partner_invoice_id
                 WHERE partner.commercial_partner_id IN %(partners)s
                   AND sale.company_id = %(company)s
                   AND %(order_book)s
                   AND sale.id NOT IN %(current)s
              GROUP BY 1, 2
                """,
                partners=tuple(self.ids),
                company=company.id,
                current=tuple(current_orders.ids) or (0,),
                order_book=credit_order_book_condition("sale"),
            )
        )
        book = [
            (pid, self.env["res.currency"].browse(currency_id), amount, "order_book")
            for pid, currency_id, amount in rows
        ]
        book += [
            (
                order.partner_invoice_id.commercial_partner_id.id,
                order.currency_id,
                order.credit_amount_to_invoice,
                "current",
            )
            for order in current_orders
            if order.partner_invoice_id.commercial_partner_id.id in result
        ]
        for pid, currency, amount, key in book:
            result[pid][key] += currency._convert(amount or 0.0, company.currency_id, company, today)

    def init(self):
        """The gate's read as a function of the database (CREDIT_GATE_READ_FUNCTION), made anew
        at each update: it follows the columns it reads."""
        result = super().init()
        self.env.cr.execute(SQL("DROP FUNCTION IF EXISTS credit_control_gate_read"))
        self.env.cr.execute(CREDIT_GATE_READ_FUNCTION)
        return result

    @api.model
    @tools.ormcache("company_id")
    def _credit_gate_fallbacks(self, company_id):
        """The values of the gate's company-dependent fields for customers without one of their
        own in ``company_id`` (ir.default). Cached with the defaults, which clear this cache
        when they change; read-only (a mapping proxy), since every caller shares it."""
        partners = self.with_company(company_id)
        return MappingProxyType(
            {
                fname: self._fields[fname].get_company_dependent_fallback(partners)
                for fname in CREDIT_GATE_PARTNER_FIELDS
            }
        )

    @api.model
    def _credit_flush_gate_inputs(self, orders):
        """The pending changes of what the gate's read reads (CREDIT_GATE_READ_INPUTS), written
        first; not those of ``orders`` themselves, so that Odoo writes their confirmation in
        one UPDATE. One pass over the pending fields (a few at a confirmation), not a flush
        per model read."""
        to_flush, book_fields = set(), []
        for field in {*self.env.cache.get_dirty_fields(), *self.env.fields_to_compute()}:
            if field.name in CREDIT_GATE_READ_INPUTS.get(field.model_name, ()):
                to_flush.add(field.model_name)
            elif field.model_name == "sale.order" and field.name in CREDIT_GATE_ORDER_BOOK_FIELDS:
                book_fields.append(field)
        for model_name in to_flush:
            self.env[model_name].flush_model(CREDIT_GATE_READ_INPUTS[model_name])
        sale_orders = self.env["sale.order"]
        others_pending = {
            rid
            for field in book_fields
            for rid in (
                *self.env.cache.get_dirty_records(sale_orders, field)._ids,
                *self.env.records_to_compute(field)._ids,
            )
        }.difference(orders._ids)
        if others_pending:  # other orders' pending changes, and amounts to compute, count in the order book
            sale_orders.browse(others_pending).flush_recordset()

    @api.model
    def _credit_gate_read(self, company, orders, lock=False):
        """What the gate needs to decide on ``orders`` (all of ``company``), in one query: for
        each order its debtor and whether it has payment transactions; for each debtor its
        credit fields in the company, its open receivables (the balances kept on its contacts),
        the order book of its other confirmed orders by currency, and its insurance cover in
        force. The orders' own columns come from the cache: the orders are not flushed, so that
        Odoo writes the confirmation in one UPDATE.
        With ``lock``, the same query locks the debtors whose credit is checked (policy other
        than none), so that two transactions confirming orders of the same customer cannot both
        pass on the same exposure. Odoo runs its transactions in REPEATABLE READ: a plain lock
        would let the second one pass on its old snapshot, while updating the row makes it fail
        on a serialization error, and Odoo retries it with a snapshot that sees the first order.

        :return: {order id: (debtor id, has transactions, immediate payment term)} (orders with a
            saved invoice address),
            {debtor id: {field: value, today,
            receivable, oldest_due_date, book: {currency id: amount}, insured}}
        """
        # Orders being edited (a form's onchange) are read as saved; a new invoice address has
        # nothing saved to read (the caller reads it through the ORM).
        invoice_partners = [
            (
                index,
                order._origin.id or 0,
                order.partner_invoice_id._origin.id,
                order.payment_term_id._origin.id or None,
            )
            for index, order in enumerate(orders)
            if order.partner_invoice_id._origin.id
        ]
        if not invoice_partners:
            return {}, {}
        tz = self.env.context.get("tz") or None  # False on the portal and in jobs
        self._credit_flush_gate_inputs(orders)
        fallbacks = self._credit_gate_fallbacks(company.id)
        rows = self.env.execute_query(
            SQL(
                "SELECT * FROM credit_control_gate_read(%s, %s::int[], %s::int[], %s::int[], %s::int[], %s::int[],"
                " %s, %s, %s, %s, %s::varchar[], %s::varchar[])",
                company.id,
                *([values[position] for values in invoice_partners] for position in range(4)),
                orders._origin.ids,
                tz,
                self.env.uid,
                lock,
                fallbacks["credit_policy"] or None,
                list(IN_FORCE_STATES),
                ["no_credit", "default_limit"],
            )
        )
        by_order, debtors = {}, {}
        for row in rows:
            today, company_policy, overdue_days, currency_id, rounding, order_id, debtor_id = row[:7]
            requires_ref, has_transactions, immediate, *values, total, oldest, book, insured = row[7:-2]
            new_customer_limit, new_customer_mode = row[-2:]
            by_order[orders[order_id].id] = (debtor_id, has_transactions, immediate)
            facts = {
                fname: fallbacks[fname] if value is None else value
                for fname, value in zip(CREDIT_GATE_PARTNER_FIELDS, values, strict=True)
            }
            until = facts["credit_limit_temporary_until"]
            if isinstance(until, str):
                facts["credit_limit_temporary_until"] = fields.Date.to_date(until)
            facts.update(
                today=today,
                company_policy=company_policy,
                company_overdue_days=overdue_days or 0,
                company_currency_id=currency_id,
                company_rounding=float(rounding),
                credit_require_client_ref=requires_ref,
                receivable=float(total or 0.0),
                oldest_due_date=oldest,
                book={int(currency_id): amount or 0.0 for currency_id, amount in (book or {}).items()},
                insured=insured,
                # a limit of its own makes the customer no longer new
                new_customer_mode=not facts["credit_limit"] and new_customer_mode,
                new_customer_limit=float(new_customer_limit or 0.0),
            )
            debtors[debtor_id] = facts
        return by_order, debtors

    # ------------------------------------------------------------------
    # Protection of the decision fields
    # ------------------------------------------------------------------
    @api.constrains("credit_limit", "credit_limit_temporary")
    def _check_credit_limits_positive(self):
        for partner in self:
            if partner.credit_limit < 0 or partner.credit_limit_temporary < 0:
                raise ValidationError(
                    _("The credit limit of %(partner)s cannot be negative.", partner=partner.display_name)
                )

    def _check_credit_decision_rights(self, vals):
        """Only finance changes what decides whether orders go through; internal syncs (run
        as superuser) and writes that change nothing are let through. A member of finance
        whose own order, or own request, waits does not loosen that customer's credit."""
        if self.env.su or not set(CREDIT_DECISION_FIELDS).intersection(vals):
            return
        if self.env.user.has_group("credit_control.group_credit_controller"):
            self.filtered(lambda p: p._credit_loosened_by(vals))._credit_check_four_eyes()
            return
        changed = [
            fname
            for fname in CREDIT_DECISION_FIELDS
            if fname in vals
            and any(
                self._fields[fname].convert_to_record(self._fields[fname].convert_to_cache(vals[fname], rec), rec)
                != rec.sudo()[fname]
                for rec in (self or [self.new({})])
            )
        ]
        if changed:
            raise AccessError(
                _(
                    "Only finance (Credit Control group) can change credit limits and credit "
                    "policies (%(fields)s). Ask finance for a credit decision instead.",
                    fields=", ".join(self._fields[fname].string for fname in changed),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_credit_decision_rights(vals)
            self._check_credit_collector_rights(vals)
        partners = super().create(vals_list)
        partners._credit_refresh_audit()
        return partners

    def write(self, vals):
        self._check_credit_decision_rights(vals)
        self._check_credit_collector_rights(vals)
        self._check_credit_entity_change(vals)
        if not self.env.su and vals and set(vals) <= {*CREDIT_DECISION_FIELDS, "credit_collector_id"}:
            # Finance decides on the credit, and accountants choose the collector, of the
            # customers they can read, even without the right to edit contacts.
            self.check_access("read")
            res = super(ResPartner, self.sudo()).write(vals)
        else:
            res = super().write(vals)
        if "credit_collector_id" in vals:
            self._credit_reassign_dunning_actions(self.env.company)
        if AUDITED_PARTNER_FIELDS.intersection(vals):
            self._credit_refresh_audit()
        return res

    def _credit_refresh_audit(self):
        """A customer fixed leaves the data audit at once; one newly incomplete enters it."""
        self.env["credit.intake.audit"]._refresh(self.commercial_partner_id | self.parent_id.commercial_partner_id)

    def _check_credit_collector_rights(self, vals):
        """Accountants (finance included) choose the collectors; syncs that change nothing pass."""
        if self.env.su or "credit_collector_id" not in vals:
            return
        if self.env.user.has_group("account.group_account_invoice"):
            return
        new = vals["credit_collector_id"] or False
        if not self or any(partner.sudo().credit_collector_id.id != new for partner in self):
            raise AccessError(_("Only accountants choose the collector of a customer: ask finance."))

    def _credit_reassign_dunning_actions(self, company):
        """The open actions of these customers in ``company`` go to their collector now."""
        customers = self.filtered(lambda p: p == p.commercial_partner_id)
        actions = (
            self.env["credit.dunning.action"]
            .sudo()
            .search([("partner_id", "in", customers.ids), ("company_id", "=", company.id), ("state", "=", "planned")])
        )
        for action in actions:
            collector = action._get_collector()
            if collector != action.user_id:
                action.user_id = collector

    def _credit_loosened_by(self, vals):
        """Whether writing ``vals`` loosens this partner's credit in the current company."""
        self.ensure_one()
        old = self.sudo()
        new = {
            fname: self._fields[fname].convert_to_cache(vals[fname], self)
            for fname in CREDIT_DECISION_FIELDS
            if fname in vals
        }

        def limit_loosened(before, after):
            return bool(before) and (not after or after > before)

        def temporary_loosened():
            # A temporary limit replaces the limit in force: only one below it tightens.
            amount = new.get("credit_limit_temporary", old.credit_limit_temporary)
            until = new.get("credit_limit_temporary_until", old.credit_limit_temporary_until)
            if (amount, until) == (old.credit_limit_temporary, old.credit_limit_temporary_until):
                return False
            in_force = old._get_credit_limit_in_force()
            return not (amount and in_force and amount <= in_force)

        ranks = {"none": 0, "alert": 1, "block": 2}
        company_policy = self.env.company.credit_policy or "alert"  # as _get_credit_policy reads it
        return any(
            (
                "credit_limit" in new and limit_loosened(old.credit_limit, new["credit_limit"]),
                bool({"credit_limit_temporary", "credit_limit_temporary_until"} & set(new)) and temporary_loosened(),
                "credit_policy" in new
                and ranks.get(new["credit_policy"] or company_policy, 0)
                < ranks.get(old.credit_policy or company_policy, 0),
                "credit_cash_in_advance" in new and old.credit_cash_in_advance and not new["credit_cash_in_advance"],
                "use_partner_credit_limit" in new,
            )
        )

    def _credit_check_four_eyes(self):
        """The orders of these customers that wait for a decision of the current company:
        their salesperson and requester do not decide on them."""
        pending = self.commercial_partner_id.credit_release_order_ids
        pending.filtered(lambda o: o.company_id == self.env.company)._credit_check_four_eyes()

    def _credit_is_finance(self):
        return self.env.su or self.env.user.has_group("credit_control.group_credit_controller")

    def _check_credit_entity_change(self, vals):
        """Moving a contact to another commercial entity (parent, is_company) takes it away
        from the limit, the policy and the exposure of its own: finance's decision when that
        entity is protected."""
        if not {"parent_id", "is_company"}.intersection(vals) or self._credit_is_finance():
            return
        moving = self.filtered(lambda p: p._credit_commercial_partner_after(vals) != p.commercial_partner_id)
        moving.commercial_partner_id._check_credit_protection_kept(moving)

    def _credit_commercial_partner_after(self, vals):
        """The commercial entity this partner would have after writing ``vals``."""
        self.ensure_one()
        is_company = vals.get("is_company", self.is_company)
        parent = self.browse(vals["parent_id"]) if "parent_id" in vals else self.parent_id
        if is_company or not parent:
            return self
        return parent.commercial_partner_id

    def _check_credit_protection_kept(self, partners):
        """Refuse, for non-finance users, to take ``partners`` away from the protected
        commercial entities among ``self``."""
        protected = self._credit_protected_entities()
        if protected:
            moved = partners.filtered(lambda p: p.commercial_partner_id in protected)
            raise AccessError(
                _(
                    "%(partners)s: %(entities)s has a credit limit, a credit policy or open amounts. Only "
                    "finance (Credit Control group) can move its contacts to another company or merge them "
                    "elsewhere: ask finance.",
                    partners=", ".join(moved.mapped("display_name")),
                    entities=", ".join(protected.mapped("display_name")),
                )
            )

    def _credit_protected_entities(self):
        """The commercial partners among ``self`` that some company protects: a limit, a
        policy or cash in advance of their own, open receivables or orders not yet invoiced."""
        entities = self.sudo().commercial_partner_id
        if not entities:
            return self.browse()
        companies = self.env["res.company"].sudo().search([])
        protected = entities.filtered(
            lambda e: any(e.with_company(c)[fname] for c in companies for fname in CREDIT_PROTECTION_FIELDS)
        )
        others = entities - protected
        if others:
            self.env["res.partner"].flush_model(["commercial_partner_id", "credit_open_balances"])
            self.env["sale.order"].flush_model(["state", "partner_invoice_id", "credit_amount_to_invoice"])
            rows = self.env.execute_query(
                SQL(
                    """
                    SELECT partner.commercial_partner_id
                      FROM res_partner partner
                     WHERE partner.commercial_partner_id IN %(entities)s
                       AND EXISTS (SELECT 1 FROM jsonb_each(partner.credit_open_balances) balance
                                    WHERE (balance.value ->> 0)::numeric <> 0)
                     UNION
                    SELECT partner.commercial_partner_id
                      FROM sale_order sale
                      JOIN res_partner partner ON partner.id = sale.partner_invoice_id
                     WHERE partner.commercial_partner_id IN %(entities)s
                       AND %(order_book)s
                    """,
                    entities=tuple(others.ids),
                    order_book=credit_order_book_condition("sale"),
                )
            )
            protected |= self.browse([row[0] for row in rows])
        return self.browse(protected.ids)

    def _commercial_sync_from_company(self):
        """The sync from a new parent never lowers a contact's own protection without finance."""
        if not self.env.user.has_group("credit_control.group_credit_controller"):
            for partner in self:
                commercial = partner.commercial_partner_id
                own = partner._credit_protection_values()
                if commercial != partner and any(map(any, own)) and own != commercial._credit_protection_values():
                    raise AccessError(
                        _(
                            "%(partner)s has a credit limit or policy of its own: only finance (Credit Control "
                            "group) can attach it to %(company)s, whose credit terms would replace it.",
                            partner=partner.display_name,
                            company=commercial.display_name,
                        )
                    )
        return super()._commercial_sync_from_company()

    def _credit_protection_values(self):
        """The protection fields of this partner in every company."""
        self.ensure_one()
        partner = self.sudo()
        return [
            tuple(partner.with_company(company)[fname] for fname in CREDIT_PROTECTION_FIELDS)
            for company in self.env["res.company"].sudo().search([])
        ]

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_open_credit_decision(self):
        """Finance's entry point on the partner form."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_control.credit_decision_wizard_action")
        action["context"] = {
            "default_partner_id": self.commercial_partner_id.id,
            "default_order_id": self.credit_release_order_ids[:1].id,
        }
        return action

    @api.depends_context("company")
    def _compute_credit_aged_balance(self):
        buckets = self.env["credit.aged.balance"]._get_partner_buckets(
            self.commercial_partner_id._origin, self.env.company
        )
        for partner in self:
            values = buckets.get(partner.commercial_partner_id._origin.id, {})
            for bucket in AGED_BUCKETS:
                partner[f"credit_aged_{bucket}"] = values.get(bucket, 0.0)

    def action_open_dunning_actions(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Dunning History"),
            "res_model": "credit.dunning.action",
            "view_mode": "list,form",
            "domain": [("partner_id", "=", self.commercial_partner_id.id)],
        }

    @api.model
    def _cron_expire_temporary_credit_limits(self):
        """Temporary limits revert by themselves once their end date has passed."""
        today = fields.Date.context_today(self)
        for company in self.env["res.company"].sudo().search([]):
            partners = (
                self.sudo()
                .with_company(company)
                .search([("credit_limit_temporary_until", "<", today)])
                .filtered(lambda p: p == p.commercial_partner_id)
            )
            for partner in partners:
                self.env["credit.decision"].sudo().create(
                    {
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "decision": "limit_expired",
                        "reason": _(
                            "The temporary limit ended on %(date)s.", date=partner.credit_limit_temporary_until
                        ),
                        "limit_before": partner.credit_limit_temporary,
                        "limit_after": partner.credit_limit,
                        "user_id": self.env.ref("base.user_root").id,
                    }
                )
            partners.write({"credit_limit_temporary": 0.0, "credit_limit_temporary_until": False})

    # ------------------------------------------------------------------
    # Credit insurance (credit.insurance.cover)
    # ------------------------------------------------------------------
    credit_insurance_cover_ids = fields.One2many(
        "credit.insurance.cover", "partner_id", string="Insurance Covers", groups=ACCOUNTING_READERS
    )
    credit_insurance_cover_id = fields.Many2one(
        "credit.insurance.cover",
        string="Insurance Cover in Force",
        compute="_compute_credit_insurance_cover_id",
        groups=ACCOUNTING_READERS,
        help="The customer's insurance cover in force today in the current company.",
    )
    credit_insurance_amount = _credit_amount(
        "Insured Amount", "_compute_credit_insurance_amount", "The cover granted by the insurer in force."
    )
    credit_exposure_above_cover = _credit_amount(
        "Exposure Above Cover",
        "_compute_credit_exposure_above_cover",
        "What the customer owes and has on order beyond its insurance cover in force: the uninsured part.",
    )

    @api.depends_context("company")
    @api.depends("commercial_partner_id")
    def _compute_credit_insurance_cover_id(self):
        """All the partners at once: the gate reads the cover of every customer it checks
        with one query."""
        commercial = self.commercial_partner_id._origin
        covers = self.env["credit.insurance.cover"].sudo()
        if commercial:
            covers = covers.search_fetch(
                [("partner_id", "in", commercial.ids), *covers._in_force_domain(self.env.company)],
                ["partner_id", "amount_granted"],
            )
        by_partner = {cover.partner_id.id: cover for cover in covers}
        for partner in self:
            cover = by_partner.get(partner.commercial_partner_id._origin.id)
            partner.credit_insurance_cover_id = cover.id if cover else False

    @api.depends_context("company")
    @api.depends("credit_insurance_cover_id")
    def _compute_credit_insurance_amount(self):
        for partner in self:
            partner.credit_insurance_amount = partner.credit_insurance_cover_id.amount_granted

    @api.depends_context("company")
    @api.depends("credit_exposure", "credit_insurance_cover_id")
    def _compute_credit_exposure_above_cover(self):
        for partner in self:
            cover = partner.credit_insurance_cover_id
            partner.credit_exposure_above_cover = (
                max(partner.credit_exposure - cover.amount_granted, 0.0) if cover else 0.0
            )

    def _get_credit_insured_limit(self):
        """The cover granted, when the company limits by insurance cover and this customer
        has one in force; else None."""
        self.ensure_one()
        if not self.env.company.credit_insurance_limit:
            return None
        cover = self.sudo().credit_insurance_cover_id  # fetched with its amount, for all the customers
        return cover.amount_granted if cover else None

    # ------------------------------------------------------------------
    # Payment behaviour, grade and proposed limit (credit.payment.behaviour)
    # ------------------------------------------------------------------
    credit_payment_behaviour_ids = fields.One2many(
        "credit.payment.behaviour", "partner_id", string="Payment Behaviour", readonly=True, groups=ACCOUNTING_READERS
    )
    # Salespeople see the grade; the figures behind it are finance's and the accountants'.
    credit_grade = fields.Selection(
        GRADES,
        string="Payment Grade",
        compute="_compute_credit_payment_behaviour",
        help="How the customer pays this company, from A (on time) to E (repeatedly late); "
        "computed every night from its paid invoices.",
    )
    credit_proposal = fields.Selection(
        PROPOSALS, string="Proposal", compute="_compute_credit_payment_behaviour", groups=ACCOUNTING_READERS
    )
    credit_proposed_limit = fields.Monetary(
        string="Proposed Limit",
        currency_field="credit_currency_id",
        compute="_compute_credit_payment_behaviour",
        groups=ACCOUNTING_READERS,
    )
    credit_proposal_reason = fields.Char(
        string="Proposal Reason", compute="_compute_credit_payment_behaviour", groups=ACCOUNTING_READERS
    )

    credit_payment_month_ids = fields.One2many(
        "credit.payment.behaviour.month",
        "partner_id",
        string="Payments by Month",
        groups=ACCOUNTING_READERS,
        domain=lambda self: [("company_id", "=", self.env.company.id)],
    )
    credit_payment_chart = fields.Text(
        string="Days Late by Month",
        compute="_compute_credit_payment_chart",
        groups=ACCOUNTING_READERS,
        help="Average days late of the payments of each of the last 12 months.",
    )

    @api.depends_context("company")
    def _compute_credit_payment_chart(self):
        values = self.env["credit.payment.behaviour.month"].sudo()._get_chart_values(self.commercial_partner_id._origin)
        for partner in self:
            bars = values.get(partner.commercial_partner_id._origin.id, [])
            partner.credit_payment_chart = json.dumps([{"key": _("Days Late"), "values": bars}])

    def action_open_credit_payment_months(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_control.credit_payment_behaviour_month_action")
        action["domain"] = [
            ("partner_id", "=", self.commercial_partner_id.id),
            ("company_id", "=", self.env.company.id),
        ]
        action["display_name"] = _("Payments of %(customer)s by Month", customer=self.commercial_partner_id.name)
        return action

    def _get_credit_payment_behaviour(self):
        """{commercial partner id: its behaviour row in the current company}."""
        rows = (
            self.env["credit.payment.behaviour"]
            .sudo()
            .search(
                [("partner_id", "in", self.commercial_partner_id._origin.ids), ("company_id", "=", self.env.company.id)]
            )
        )
        return {row.partner_id.id: row for row in rows}

    @api.depends_context("company")
    def _compute_credit_payment_behaviour(self):
        rows = self._get_credit_payment_behaviour()
        empty = self.env["credit.payment.behaviour"].sudo()
        for partner in self:
            row = rows.get(partner.commercial_partner_id._origin.id, empty)
            partner.credit_grade = row.grade
            partner.credit_proposal = row.proposal
            partner.credit_proposed_limit = row.proposed_limit
            partner.credit_proposal_reason = row.proposal_reason if row else False

    def action_apply_credit_proposal(self):
        self.ensure_one()
        row = self._get_credit_payment_behaviour().get(self.commercial_partner_id.id)
        if not row:
            raise UserError(_("%(customer)s has no payment behaviour in this company yet.", customer=self.display_name))
        return row.with_env(self.env).action_apply_proposal()

    # ------------------------------------------------------------------
    # Credit applications (credit.application) and new customers
    # ------------------------------------------------------------------

    credit_application_ids = fields.One2many("credit.application", "partner_id", string="Credit Applications")
    credit_application_count = fields.Integer(
        string="Open Credit Applications", compute="_compute_credit_application_count"
    )
    credit_new_customer = fields.Boolean(
        string="New Customer",
        compute="_compute_credit_new_customer",
        help="No credit limit, no granted credit application and no posted invoice in the current company: "
        "the company's setting Credit for New Customers applies until an application is decided.",
    )

    def _compute_credit_application_count(self):
        counts = dict(
            self.env["credit.application"]._read_group(
                [
                    ("partner_id", "in", self.commercial_partner_id._origin.ids),
                    ("state", "in", APPLICATION_OPEN_STATES),
                ],
                groupby=["partner_id"],
                aggregates=["__count"],
            )
        )
        for partner in self:
            partner.credit_application_count = counts.get(partner.commercial_partner_id._origin, 0)

    @api.depends_context("company")
    @api.depends("commercial_partner_id", "credit_limit", "credit_application_ids.state", "invoice_ids.state")
    def _compute_credit_new_customer(self):
        """All the partners at once (the gate reads it for every customer it checks): the one
        definition of a new customer."""
        company = self.env.company
        commercial = self.commercial_partner_id._origin.sudo()
        old = set()
        if commercial:
            ids = commercial.ids
            invoiced = (
                self.env["account.move"]
                .sudo()
                ._read_group(
                    [
                        ("commercial_partner_id", "in", ids),
                        ("company_id", "=", company.id),
                        ("move_type", "in", ("out_invoice", "out_refund")),
                        ("state", "=", "posted"),
                    ],
                    groupby=["commercial_partner_id"],
                )
            )
            granted = (
                self.env["credit.application"]
                .sudo()
                ._read_group(
                    [("partner_id", "in", ids), ("company_id", "=", company.id), ("state", "=", "granted")],
                    groupby=["partner_id"],
                )
            )
            old = {partner.id for (partner,) in invoiced + granted}
        for partner in self:
            debtor = partner.commercial_partner_id._origin.sudo()
            partner.credit_new_customer = not (debtor.id in old or debtor.credit_limit)

    def _credit_new_customer_mode(self):
        """The company's rule for this commercial partner while it is new, else False."""
        self.ensure_one()
        mode = self.env.company.credit_new_customer_mode
        if mode in ("no_credit", "default_limit") and self.sudo().credit_new_customer:
            return mode
        return False

    def _credit_limit_applies(self, limit):
        """Whether ``limit`` (in force) limits the customer: 0 is no limit, except for a new
        customer the company gives no credit."""
        self.ensure_one()
        return bool(limit) or self._credit_new_customer_mode() == "no_credit"

    def action_open_credit_applications(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_control.credit_application_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {
            "default_partner_id": self.commercial_partner_id.id,
            "default_kind": "raise" if self.commercial_partner_id.sudo().credit_limit else "new",
        }
        return action

    def action_new_credit_application(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Credit Application"),
            "res_model": "credit.application",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_partner_id": self.commercial_partner_id.id,
                "default_kind": "raise" if self.commercial_partner_id.sudo().credit_limit else "new",
            },
        }
