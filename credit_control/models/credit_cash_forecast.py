from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools import SQL, format_date

# Weeks of the forecast, the current one first; beyond them, "later".
FORECAST_WEEKS = 13


class CreditCashForecast(models.Model):
    """Cash-in forecast: each open installment of a customer invoice twice, once on the date
    it is expected to be paid (its due date shifted by the customer's usual delay, or the
    date promised, unknown while disputed) and once on its due date alone, so that both
    measures are summed by the same weeks."""

    _name = "credit.cash.forecast"
    _description = "Cash-In Forecast"
    _auto = False
    _order = "week, date_expected, id"
    _rec_name = "move_id"
    _depends = {
        "account.move.line": [
            "amount_residual",
            "company_id",
            "date_maturity",
            "display_type",
            "move_id",
            "parent_state",
            "reconciled",
        ],
        "account.move": ["commercial_partner_id", "in_dispute", "move_type"],
        "res.partner": ["user_id"],
        "credit.payment.behaviour": ["company_id", "days_late_12", "partner_id"],
        "credit.dunning.action": ["done_date", "outcome", "promise_date", "state"],
    }

    measure = fields.Selection(
        [("expected", "Expected Date"), ("due", "Due Date")],
        string="Dated By",
        readonly=True,
        help="Expected Date: the row counts in the expected cash-in; Due Date: in the amount by due date.",
    )
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    salesperson_id = fields.Many2one("res.users", readonly=True)
    date_due = fields.Date(string="Due Date", readonly=True)
    usual_delay = fields.Integer(
        string="Usual Delay (Days)",
        readonly=True,
        help="The customer's average days late over 12 months (payment behaviour); 0 without history.",
    )
    promise_date = fields.Date(string="Promised Date", readonly=True)
    in_dispute = fields.Boolean(string="Disputed", readonly=True)
    date_expected = fields.Date(string="Expected Date", readonly=True, help="Unknown while the invoice is disputed.")
    week = fields.Selection(
        selection="_selection_week",
        readonly=True,
        group_expand=True,
        help="Week of the row's date from today, Monday to Sunday; a date already past counts in the current week.",
    )
    week_start = fields.Date(string="Week Of", readonly=True)
    amount_residual = fields.Monetary(string="Amount Due", readonly=True)
    amount_expected = fields.Monetary(string="Expected Cash-In", readonly=True)
    amount_due = fields.Monetary(string="Due (Due Dates)", readonly=True)

    # ------------------------------------------------------------------
    # Weeks
    # ------------------------------------------------------------------
    @api.model
    def _forecast_today(self):
        return fields.Date.context_today(self)

    @api.model
    def _forecast_week_start(self):
        """The Monday of the current week."""
        today = self._forecast_today()
        return today - timedelta(days=today.weekday())

    @api.model
    def _selection_week(self):
        monday = self._forecast_week_start()
        weeks = [
            (
                f"w{number:02d}",
                _(
                    "Week %(number)s (%(date)s)",
                    number=number,
                    date=format_date(self.env, monday + timedelta(weeks=number - 1), date_format="d MMM"),
                ),
            )
            for number in range(1, FORECAST_WEEKS + 1)
        ]
        return [*weeks, ("later", _("Later")), ("held", _("Held (Dispute)"))]

    def _week_sql(self, date, monday):
        """The bucket of ``date``: its week from the current one (a past date: the current
        week), "later" beyond the forecast's weeks, "held" without a date."""
        return SQL(
            """CASE WHEN %(date)s IS NULL THEN 'held'
                    WHEN %(date)s >= %(end)s THEN 'later'
                    ELSE 'w' || LPAD((GREATEST(%(date)s - %(monday)s, 0) / 7 + 1)::text, 2, '0') END""",
            date=date,
            monday=monday,
            end=monday + timedelta(weeks=FORECAST_WEEKS),
        )

    def _week_start_sql(self, date, monday):
        return SQL("GREATEST(date_trunc('week', %(date)s)::date, %(monday)s)", date=date, monday=monday)

    # ------------------------------------------------------------------
    # The rows
    # ------------------------------------------------------------------
    def _open_installments_sql(self, today):
        """The open installments of posted customer invoices, with what dates their payment:
        the customer's usual delay in the invoice's company and the latest promise still to
        come. Credit notes and payments not yet matched are no cash to come: left out."""
        return SQL(
            """
            SELECT line.id AS line_id, line.move_id, line.company_id, m.commercial_partner_id AS partner_id,
                   cp.user_id AS salesperson_id, line.date_maturity AS date_due,
                   line.amount_residual, COALESCE(m.in_dispute, FALSE) AS in_dispute,
                   COALESCE(ROUND(behaviour.days_late_12), 0)::int AS usual_delay,
                   promise.promise_date
              FROM account_move_line line
              JOIN account_move m ON m.id = line.move_id
              JOIN res_partner cp ON cp.id = m.commercial_partner_id
              LEFT JOIN credit_payment_behaviour behaviour
                     ON behaviour.partner_id = m.commercial_partner_id AND behaviour.company_id = line.company_id
              LEFT JOIN (
                    SELECT DISTINCT ON (rel.move_id) rel.move_id, action.promise_date
                      FROM credit_dunning_action action
                      JOIN credit_dunning_action_move_rel rel ON rel.action_id = action.id
                     WHERE action.state = 'done' AND action.outcome = 'promise'
                       AND action.promise_date >= %(today)s
                     ORDER BY rel.move_id, action.done_date DESC NULLS LAST, action.id DESC
              ) promise ON promise.move_id = m.id
             WHERE line.display_type = 'payment_term'
               -- as Odoo's partial index of the open items (account_move_line__unreconciled_index)
               AND (line.reconciled IS NULL OR line.reconciled = false OR line.reconciled IS NOT true)
               AND line.parent_state = 'posted'
               AND line.amount_residual > 0
               AND m.move_type = 'out_invoice'
            """,
            today=today,
        )

    @property
    def _table_query(self):
        # Each installment twice (no CTE: the rules' filters reach the tables' scans).
        today = self._forecast_today()
        monday = self._forecast_week_start()
        expected = SQL(
            """CASE WHEN item.in_dispute THEN NULL
                    ELSE COALESCE(item.promise_date, item.date_due + item.usual_delay) END"""
        )
        is_due = SQL("kind.measure = 'due'")
        row_date = SQL("CASE WHEN %s THEN f.date_due ELSE f.date_expected END", is_due)
        return SQL(
            """
            SELECT f.line_id * 2 + CASE WHEN %(is_due)s THEN 1 ELSE 0 END AS id, kind.measure,
                   f.move_id, f.partner_id, f.company_id, f.salesperson_id, f.date_due, f.usual_delay,
                   f.promise_date, f.in_dispute, f.amount_residual, f.date_expected,
                   %(week)s AS week, %(week_start)s AS week_start,
                   CASE WHEN %(is_due)s THEN 0.0 ELSE f.amount_residual END AS amount_expected,
                   CASE WHEN %(is_due)s THEN f.amount_residual ELSE 0.0 END AS amount_due
              FROM (SELECT item.*, %(expected)s AS date_expected FROM (%(items)s) item) f
             CROSS JOIN (VALUES ('expected'), ('due')) AS kind (measure)
            """,
            is_due=is_due,
            week=self._week_sql(row_date, monday),
            week_start=self._week_start_sql(row_date, monday),
            expected=expected,
            items=self._open_installments_sql(today),
        )
