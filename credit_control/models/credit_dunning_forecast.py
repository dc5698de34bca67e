from odoo import api, fields, models
from odoo.tools import SQL


class CreditDunningForecast(models.Model):
    """What dunning does next on each open invoice, and when: the agenda of the coming
    days. The invoice's own "next dunning stage and date" are read from here too."""

    _name = "credit.dunning.forecast"
    _description = "Coming Dunning Steps"
    _auto = False
    _order = "date, partner_id, move_id"
    _rec_name = "move_id"
    _depends = {
        "account.move": [
            "amount_residual",
            "amount_residual_signed",
            "commercial_partner_id",
            "currency_id",
            "company_id",
            "dunning_hold_until",
            "in_dispute",
            "invoice_date_due",
            "move_type",
            "payment_state",
            "state",
        ],
        "res.partner": ["credit_dunning_policy_id", "user_id"],
        "credit.dunning.policy": ["active", "company_id", "is_default"],
        "credit.dunning.stage": ["is_preventive", "offset_days", "policy_id"],
        "credit.dunning.invoice.stage": ["move_id", "stage_date", "stage_id"],
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
    # The invoice's residual is in the invoice's currency; totals add up in the company's.
    move_currency_id = fields.Many2one("res.currency", string="Invoice Currency", readonly=True)
    amount_residual = fields.Monetary(string="Amount Due", currency_field="move_currency_id", readonly=True)
    amount_residual_company = fields.Monetary(
        string="Amount Due (Company Currency)", currency_field="currency_id", readonly=True
    )

    @api.model
    def _steps_sql(self, company, moves=None):
        """The first stage of the customer's policy after the one reached, on its offset
        from the due date, or later: the day after the promised payment date, the day after
        the last stage was reached; the run's own rule (``_dunning_targets_sql``)."""
        return SQL(
            """
            SELECT DISTINCT ON (inv.move_id)
                   inv.move_id AS id, inv.move_id, inv.partner_id, %(company)s AS company_id,
                   inv.salesperson_id, s.id AS stage_id, s.is_preventive,
                   GREATEST(inv.invoice_date_due + s.offset_days, inv.not_before) AS date,
                   inv.amount_residual, inv.currency_id AS move_currency_id,
                   inv.amount_residual_signed AS amount_residual_company
              FROM (%(invoices)s) inv
              JOIN credit_dunning_stage s
                ON s.policy_id = inv.policy_id
               AND (inv.current_offset IS NULL OR s.offset_days > inv.current_offset)
             ORDER BY inv.move_id, s.offset_days
            """,
            company=company.id,
            invoices=self.env["credit.dunning.action"]._dunning_open_invoices_sql(company, moves=moves),
        )

    @property
    def _table_query(self):
        # Each company's part keeps its own ORDER BY (of DISTINCT ON): in parentheses.
        return SQL(" UNION ALL ").join(SQL("(%s)", self._steps_sql(company)) for company in self.env.companies)

    @api.model
    def _next_steps(self, moves):
        """{invoice id: (stage, date)} for the given invoices, whatever the user's companies;
        filtered inside the query, so that an invoice's form reads only its own step."""
        for model_name, field_names in self._depends.items():
            self.env[model_name].flush_model(field_names)
        steps = {}
        for company in moves.company_id:
            rows = self.env.execute_query(
                SQL(
                    "SELECT move_id, stage_id, date FROM (%s) steps",
                    self._steps_sql(company, moves.filtered(lambda m, c=company: m.company_id == c)),
                )
            )
            stages = self.env["credit.dunning.stage"].browse([stage_id for _m, stage_id, _d in rows])
            steps.update({move_id: (stages.browse(stage_id), date) for move_id, stage_id, date in rows})
        return steps
