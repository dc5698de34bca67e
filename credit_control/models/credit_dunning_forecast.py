from odoo import fields, models
from odoo.tools import SQL


class CreditDunningForecast(models.Model):
    """What dunning does next on each open invoice, and when: the agenda of the coming
    days. The invoice's own "next dunning stage and date" are read from here."""

    _name = "credit.dunning.forecast"
    _description = "Coming Dunning Steps"
    _auto = False
    _order = "date, partner_id, move_id"
    _rec_name = "move_id"
    _depends = {
        "account.move": [
            "amount_residual",
            "commercial_partner_id",
            "company_id",
            "dunning_hold_until",
            "dunning_stage_id",
            "in_dispute",
            "invoice_date_due",
            "move_type",
            "payment_state",
            "state",
        ],
        "res.partner": ["credit_dunning_policy_id", "user_id"],
        "credit.dunning.policy": ["active", "company_id", "is_default"],
        "credit.dunning.stage": ["is_preventive", "offset_days", "policy_id"],
    }

    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    salesperson_id = fields.Many2one("res.users", readonly=True)
    stage_id = fields.Many2one("credit.dunning.stage", string="Next Stage", readonly=True)
    channel = fields.Selection(related="stage_id.channel")
    is_preventive = fields.Boolean(string="Preventive", readonly=True)
    date = fields.Date(string="Planned Date", readonly=True)
    amount_residual = fields.Monetary(string="Amount Due", currency_field="currency_id", readonly=True)

    @property
    def _table_query(self):
        """Per company: the first stage of the customer's policy after the one reached, on
        its offset from the due date, or on the promised payment date if later."""
        actions = self.env["credit.dunning.action"]
        return SQL(" UNION ALL ").join(
            SQL(
                """
                SELECT inv.move_id AS id, inv.move_id, inv.partner_id, %(company)s AS company_id,
                       inv.salesperson_id, s.id AS stage_id, s.is_preventive,
                       GREATEST(inv.invoice_date_due + s.offset_days, inv.dunning_hold_until) AS date,
                       inv.amount_residual
                  FROM (%(invoices)s) inv
                  JOIN LATERAL (
                       SELECT s.id, s.offset_days, s.is_preventive FROM credit_dunning_stage s
                        WHERE s.policy_id = inv.policy_id
                          AND (inv.current_offset IS NULL OR s.offset_days > inv.current_offset)
                        ORDER BY s.offset_days
                        LIMIT 1
                  ) s ON TRUE
                """,
                company=company.id,
                invoices=actions._dunning_open_invoices_sql(company),
            )
            for company in self.env.companies
        )
