from odoo import fields, models
from odoo.tools import SQL

from ..models.dispute_dispute import DISPUTE_RESOLUTIONS, DISPUTE_STAGES


class DisputeReport(models.Model):
    """Statistics of the register, always current: days open and cash blocked are counted
    up to now for open disputes, up to their closing for closed ones."""

    _name = "dispute.report"
    _description = "Dispute Statistics"
    _auto = False
    _order = "date_open desc"
    _rec_name = "dispute_id"
    # Flush these before reading the view.
    _depends = {
        "dispute.dispute": [
            "move_id",
            "partner_id",
            "salesperson_id",
            "company_id",
            "reason_id",
            "department_id",
            "user_id",
            "stage",
            "resolution",
            "is_open",
            "date_open",
            "date_closed",
            "date_deadline",
            "amount_company",
        ],
        "res.company": ["currency_id"],
    }

    dispute_id = fields.Many2one("dispute.dispute", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    salesperson_id = fields.Many2one("res.users", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Company Currency", readonly=True)
    reason_id = fields.Many2one("dispute.reason", readonly=True)
    department_id = fields.Many2one("dispute.department", readonly=True)
    user_id = fields.Many2one("res.users", string="Owner", readonly=True)
    stage = fields.Selection(DISPUTE_STAGES, readonly=True)
    resolution = fields.Selection(DISPUTE_RESOLUTIONS, readonly=True)
    is_open = fields.Boolean(readonly=True)
    date_open = fields.Datetime(string="Opened On", readonly=True)
    date_closed = fields.Datetime(string="Closed On", readonly=True)
    date_deadline = fields.Date(string="Deadline", readonly=True)
    dispute_count = fields.Integer(string="Disputes", readonly=True, aggregator="sum")
    amount = fields.Monetary(string="Disputed Amount", readonly=True)
    days_open = fields.Float(readonly=True, aggregator="avg", digits=(16, 1))
    resolution_days = fields.Float(
        string="Average Resolution Time (Days)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Average days from opening to closing, of the closed disputes only.",
    )
    late_rate = fields.Float(
        string="Past Deadline (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Share of the disputes closed after their deadline, or still open past it.",
    )
    cash_blocked = fields.Monetary(
        readonly=True,
        help="Disputed amount of the disputes still open: the cash they hold back.",
    )
    amount_days = fields.Monetary(
        string="Amount x Days",
        readonly=True,
        help="Disputed amount times the days the dispute stayed open: the cost of slow solving.",
    )

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT d.id AS id,
                   d.id AS dispute_id,
                   d.move_id, d.partner_id, d.salesperson_id, d.company_id,
                   c.currency_id,
                   d.reason_id, d.department_id, d.user_id, d.stage, d.resolution, d.is_open,
                   d.date_open, d.date_closed, d.date_deadline,
                   1 AS dispute_count,
                   d.amount_company AS amount,
                   EXTRACT(EPOCH FROM COALESCE(d.date_closed, %(now)s) - d.date_open) / 86400.0 AS days_open,
                   CASE WHEN d.date_closed IS NOT NULL
                        THEN EXTRACT(EPOCH FROM d.date_closed - d.date_open) / 86400.0 END AS resolution_days,
                   CASE WHEN COALESCE(d.date_closed::date, %(today)s) > d.date_deadline
                        THEN 100.0 ELSE 0.0 END AS late_rate,
                   CASE WHEN d.is_open THEN d.amount_company ELSE 0 END AS cash_blocked,
                   d.amount_company * EXTRACT(EPOCH FROM COALESCE(d.date_closed, %(now)s) - d.date_open) / 86400.0
                       AS amount_days
              FROM dispute_dispute d
              JOIN res_company c ON c.id = d.company_id
            """,
            now=fields.Datetime.now(),
            today=fields.Date.context_today(self),
        )
