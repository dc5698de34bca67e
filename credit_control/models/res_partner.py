from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

from .credit_aged_balance import AGED_BUCKETS
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
        string="Limit in Force", currency_field="credit_currency_id", compute="_compute_credit_exposure"
    )
    credit_exposure_overdue = fields.Monetary(
        string="Overdue", currency_field="credit_currency_id", compute="_compute_credit_exposure"
    )
    credit_exposure_not_due = fields.Monetary(
        string="Not Yet Due", currency_field="credit_currency_id", compute="_compute_credit_exposure"
    )
    credit_exposure_order_book = fields.Monetary(
        string="Order Book",
        currency_field="credit_currency_id",
        compute="_compute_credit_exposure",
        help="Confirmed orders not yet invoiced, taxes included.",
    )
    credit_exposure = fields.Monetary(
        string="Exposure",
        currency_field="credit_currency_id",
        compute="_compute_credit_exposure",
        help="Open receivables (overdue and not yet due) plus the order book.",
    )
    credit_available = fields.Monetary(
        string="Available Credit",
        currency_field="credit_currency_id",
        compute="_compute_credit_exposure",
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
    credit_dunning_action_ids = fields.One2many(
        "credit.dunning.action", "partner_id", string="Dunning Actions", readonly=True
    )
    credit_aged_not_due = fields.Monetary(
        string="Not Due", currency_field="credit_currency_id", compute="_compute_credit_aged_balance"
    )
    credit_aged_1_30 = fields.Monetary(
        string="1-30 Days", currency_field="credit_currency_id", compute="_compute_credit_aged_balance"
    )
    credit_aged_31_60 = fields.Monetary(
        string="31-60 Days", currency_field="credit_currency_id", compute="_compute_credit_aged_balance"
    )
    credit_aged_61_90 = fields.Monetary(
        string="61-90 Days", currency_field="credit_currency_id", compute="_compute_credit_aged_balance"
    )
    credit_aged_over_90 = fields.Monetary(
        string="Over 90 Days", currency_field="credit_currency_id", compute="_compute_credit_aged_balance"
    )
    credit_aged_disputed = fields.Monetary(
        string="Disputed", currency_field="credit_currency_id", compute="_compute_credit_aged_balance"
    )
    credit_aged_total = fields.Monetary(
        string="Receivable Balance", currency_field="credit_currency_id", compute="_compute_credit_aged_balance"
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
        commercial = self.commercial_partner_id
        exposures = commercial._get_credit_exposure(company)
        for partner in self:
            debtor = partner.commercial_partner_id
            exposure = exposures.get(debtor.id, {})
            limit = debtor._get_credit_limit_in_force()
            total = exposure.get("overdue", 0.0) + exposure.get("not_due", 0.0) + exposure.get("order_book", 0.0)
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
                if invoice_partner.commercial_partner_id == partner.commercial_partner_id:
                    orders |= partner_orders
            partner.credit_release_order_ids = orders

    def _compute_credit_can_decide(self):
        self.credit_can_decide = self.env.user.has_group("credit_control.group_credit_controller")

    def _get_credit_policy(self):
        """Policy of this commercial partner in the current company."""
        self.ensure_one()
        return self.sudo().credit_policy or self.env.company.credit_policy

    def _get_credit_limit_in_force(self):
        """Credit limit of this commercial partner in the current company: the temporary
        limit while it lasts, else the partner's (or the company's default) limit."""
        self.ensure_one()
        partner = self.sudo()
        until = partner.credit_limit_temporary_until
        if until and until >= fields.Date.context_today(self):
            return partner.credit_limit_temporary
        return partner.credit_limit

    def _get_credit_exposure(self, company, current_orders=None):
        """Exposure of the commercial partners ``self`` in ``company``, in its currency.

        Two aggregate queries whatever the partners' history: open receivables split by due
        date (posted, not reconciled, payments and credit notes deducted, as booked in the
        company currency) and the order book (confirmed orders not yet invoiced, taxes
        included, at today's rate). ``current_orders`` are the orders being confirmed: they
        count in ``current`` whatever their state.

        :return: {partner id: {overdue, not_due, order_book, current, overdue_count, oldest_due_date}}
        """
        if not self:
            return {}
        current_orders = current_orders or self.env["sale.order"]
        today = fields.Date.context_today(self)
        result = {
            pid: {
                "overdue": 0.0,
                "not_due": 0.0,
                "order_book": 0.0,
                "current": 0.0,
                "overdue_count": 0,
                "oldest_due_date": False,
            }
            for pid in self.ids
        }
        self.env["account.move.line"].flush_model(
            ["account_id", "amount_residual", "company_id", "parent_state", "partner_id", "reconciled", "date_maturity"]
        )
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        receivables = self.env.execute_query(
            SQL(
                """
                SELECT partner.commercial_partner_id,
                       SUM(line.amount_residual) FILTER (WHERE line.date_maturity < %(today)s),
                       SUM(line.amount_residual) FILTER (WHERE line.date_maturity >= %(today)s
                                                          OR line.date_maturity IS NULL),
                       COUNT(DISTINCT line.move_id) FILTER (WHERE line.date_maturity < %(today)s
                                                             AND line.amount_residual > 0),
                       MIN(line.date_maturity) FILTER (WHERE line.date_maturity < %(today)s
                                                        AND line.amount_residual > 0)
                  FROM account_move_line line
                  JOIN res_partner partner ON partner.id = line.partner_id
                  JOIN account_account account ON account.id = line.account_id
                 WHERE partner.commercial_partner_id IN %(partners)s
                   AND line.company_id = %(company)s
                   AND line.parent_state = 'posted'
                   AND line.reconciled IS NOT TRUE
                   AND account.account_type = 'asset_receivable'
              GROUP BY partner.commercial_partner_id
                """,
                today=today,
                partners=tuple(self.ids),
                company=company.id,
            )
        )
        for pid, overdue, not_due, overdue_count, oldest in receivables:
            result[pid].update(
                overdue=overdue or 0.0,
                not_due=not_due or 0.0,
                overdue_count=overdue_count,
                oldest_due_date=oldest,
            )
        self.env["sale.order.line"].flush_model(
            ["order_id", "price_total", "product_uom_qty", "qty_invoiced", "display_type"]
        )
        self.env["sale.order"].flush_model(["state", "company_id", "currency_id", "partner_invoice_id"])
        book = self.env.execute_query(
            SQL(
                """
                SELECT partner.commercial_partner_id,
                       sale.currency_id,
                       sale.id IN %(current)s,
                       SUM(line.price_total * GREATEST(line.product_uom_qty - line.qty_invoiced, 0)
                           / line.product_uom_qty)
                  FROM sale_order_line line
                  JOIN sale_order sale ON sale.id = line.order_id
                  JOIN res_partner partner ON partner.id = sale.partner_invoice_id
                 WHERE partner.commercial_partner_id IN %(partners)s
                   AND sale.company_id = %(company)s
                   AND (sale.state = 'sale' OR sale.id IN %(current)s)
                   AND line.display_type IS NULL
                   AND line.product_uom_qty > 0
              GROUP BY 1, 2, 3
                """,
                partners=tuple(self.ids),
                company=company.id,
                current=tuple(current_orders.ids) or (0,),
            )
        )
        currencies = self.env["res.currency"].browse({currency_id for __, currency_id, __, __ in book})
        for pid, currency_id, is_current, amount in book:
            converted = currencies.browse(currency_id)._convert(amount or 0.0, company.currency_id, company, today)
            result[pid]["current" if is_current else "order_book"] += converted
        return result

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
        as superuser) and writes that change nothing are let through."""
        if self.env.su or self.env.user.has_group("credit_control.group_credit_controller"):
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
        return super().create(vals_list)

    def write(self, vals):
        self._check_credit_decision_rights(vals)
        if not self.env.su and vals and set(vals) <= set(CREDIT_DECISION_FIELDS):
            # Finance decides on the credit of the customers it can read, even without the
            # right to edit contacts.
            self.check_access("read")
            return super(ResPartner, self.sudo()).write(vals)
        return super().write(vals)

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
        buckets = self.env["credit.aged.balance"]._get_partner_buckets(self.commercial_partner_id, self.env.company)
        for partner in self:
            values = buckets.get(partner.commercial_partner_id.id, {})
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
