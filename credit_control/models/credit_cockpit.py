from datetime import timedelta

from odoo import _, api, fields, models
from odoo.tools import SQL

# Days of the period over which the cockpit reads sales, due dates, promises and decisions.
COCKPIT_DAYS = 90
# Months of the overdue trend, the current one included.
TREND_MONTHS = 12


class CreditCockpit(models.Model):
    """The cash cockpit: one row per company, each figure read by one aggregate query, so
    that opening it costs the same few queries whatever the size of the accounting. Each
    figure opens the records it counts (``action_open_*``). Other addons add figures with
    ``_cockpit_figures``."""

    _name = "credit.cockpit"
    _description = "Cash Cockpit"
    _auto = False
    _order = "company_id"
    _rec_name = "company_id"
    _depends = {
        "account.move.line": [
            "account_id",
            "amount_residual",
            "company_id",
            "date",
            "date_maturity",
            "parent_state",
            "reconciled",
        ],
        "account.move": [
            "company_id",
            "state",
            "move_type",
            "invoice_date",
            "invoice_date_due",
            "amount_total_signed",
        ],
        "account.partial.reconcile": ["debit_move_id", "credit_move_id", "amount", "max_date"],
        "credit.dunning.action": [
            "company_id",
            "stage_id",
            "state",
            "date",
            "done_date",
            "outcome",
            "promise_date",
            "promise_amount",
            "amount_due",
            "move_ids",
        ],
        "credit.dunning.stage": ["is_preventive"],
        "credit.decision": ["company_id", "date", "request_date"],
        "credit.application": ["company_id", "state", "requested_limit", "submitted_date"],
        "sale.order": [
            "company_id",
            "credit_release_state",
            "credit_release_requested_date",
            "amount_total",
            "currency_rate",
        ],
    }

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    period_days = fields.Integer(string="Period (Days)", readonly=True)
    receivable = fields.Monetary(string="Open Receivables", readonly=True)
    overdue = fields.Monetary(readonly=True)
    not_due = fields.Monetary(string="Not Yet Due", readonly=True)
    sales = fields.Monetary(
        string="Sales of the Period", readonly=True, help="Invoiced less credit notes, taxes included."
    )
    dso = fields.Float(
        string="DSO (Days)",
        digits=(16, 1),
        readonly=True,
        help="Days sales outstanding: open receivables / sales of the period x days of the period.",
    )
    best_dso = fields.Float(
        string="Best Possible DSO (Days)",
        digits=(16, 1),
        readonly=True,
        help="DSO x the share of what customers owe that is not yet due: the DSO without any late payment.",
    )
    overdue_share = fields.Float(
        string="Overdue (%)", digits=(16, 1), readonly=True, help="Overdue receivables / open receivables."
    )
    due_count = fields.Integer(
        string="Invoices Fallen Due", readonly=True, help="Invoices whose due date passed during the period."
    )
    preventive_count = fields.Integer(
        string="Contacted Before Due Date",
        readonly=True,
        help="Invoices fallen due during the period that a preventive action reached on or before their due date.",
    )
    preventive_share = fields.Float(string="Contacted Before Due Date (%)", digits=(16, 1), readonly=True)
    promise_count = fields.Integer(
        string="Promises Due", readonly=True, help="Promises to pay whose date passed during the period."
    )
    promise_kept_count = fields.Integer(
        string="Promises Kept",
        readonly=True,
        help="Promises whose amount (or, without an amount, the amount due) was paid on the "
        "action's invoices between the call and the promised date.",
    )
    promise_kept_share = fields.Float(string="Promises Kept (%)", digits=(16, 1), readonly=True)
    hold_count = fields.Integer(
        string="Holds Waiting", readonly=True, help="Orders whose release finance has to decide."
    )
    hold_amount = fields.Monetary(string="Held Orders Amount", readonly=True)
    hold_oldest_days = fields.Float(
        string="Oldest Hold Waiting (Days)",
        digits=(16, 1),
        readonly=True,
        help="Days since the oldest waiting request.",
    )
    application_count = fields.Integer(
        string="Applications Waiting",
        readonly=True,
        help="Credit applications submitted to finance and not decided yet.",
    )
    application_amount = fields.Monetary(
        string="Credit Requested", readonly=True, help="The limits requested by the applications waiting."
    )
    application_oldest_days = fields.Float(
        string="Oldest Application Waiting (Days)",
        digits=(16, 1),
        readonly=True,
        help="Days since the oldest waiting application was submitted.",
    )
    decision_count = fields.Integer(
        string="Requests Decided", readonly=True, help="Release requests answered by finance during the period."
    )
    decision_lead_hours = fields.Float(
        string="Decision Lead Time (Hours)",
        digits=(16, 1),
        readonly=True,
        help="Average time from a release request to finance's decision on it, over the period.",
    )

    # ------------------------------------------------------------------
    # The query
    # ------------------------------------------------------------------
    @property
    def _table_query(self):
        today = fields.Date.context_today(self)
        figures = self._cockpit_figures(today)
        return SQL(
            "SELECT company.id AS id, company.id AS company_id, %s AS period_days, %s FROM res_company company %s",
            COCKPIT_DAYS,
            SQL(", ").join(column for column, _join in figures),
            SQL(" ").join(join for _column, join in figures if join),
        )

    def _cockpit_period_start(self, today):
        """First day of the period, which ends today."""
        return today - timedelta(days=COCKPIT_DAYS - 1)

    def _cockpit_figures(self, today):
        """[(columns, join)]: the columns of each figure and the join that brings them, one
        subquery grouped by company each."""
        share = self._cockpit_share_sql
        return [
            (
                SQL(
                    """COALESCE(rec.receivable, 0) AS receivable, COALESCE(rec.overdue, 0) AS overdue,
                       COALESCE(rec.not_due, 0) AS not_due, COALESCE(sales.amount, 0) AS sales,
                       CASE WHEN sales.amount > 0 THEN rec.receivable / sales.amount * %(days)s ELSE 0 END AS dso,
                       CASE WHEN sales.amount > 0 AND COALESCE(rec.overdue, 0) + COALESCE(rec.not_due, 0) > 0
                            THEN rec.receivable / sales.amount * %(days)s
                                 * COALESCE(rec.not_due, 0) / (COALESCE(rec.overdue, 0) + COALESCE(rec.not_due, 0))
                            ELSE 0 END AS best_dso,
                       %(overdue_share)s AS overdue_share""",
                    days=COCKPIT_DAYS,
                    overdue_share=share(SQL("rec.overdue"), SQL("COALESCE(rec.overdue, 0) + COALESCE(rec.not_due, 0)")),
                ),
                SQL(
                    "LEFT JOIN (%s) rec ON rec.company_id = company.id "
                    "LEFT JOIN (%s) sales ON sales.company_id = company.id",
                    self._cockpit_receivables_sql(today),
                    self._cockpit_sales_sql(today),
                ),
            ),
            (
                SQL(
                    """COALESCE(prev.due_count, 0) AS due_count, COALESCE(prev.preventive_count, 0) AS preventive_count,
                       %s AS preventive_share""",
                    share(SQL("prev.preventive_count"), SQL("prev.due_count")),
                ),
                SQL("LEFT JOIN (%s) prev ON prev.company_id = company.id", self._cockpit_preventive_sql(today)),
            ),
            (
                SQL(
                    """COALESCE(prom.promise_count, 0) AS promise_count,
                       COALESCE(prom.kept_count, 0) AS promise_kept_count,
                       %s AS promise_kept_share""",
                    share(SQL("prom.kept_count"), SQL("prom.promise_count")),
                ),
                SQL("LEFT JOIN (%s) prom ON prom.company_id = company.id", self._cockpit_promises_sql(today)),
            ),
            (
                SQL(
                    """COALESCE(hold.hold_count, 0) AS hold_count, COALESCE(hold.amount, 0) AS hold_amount,
                       COALESCE(hold.oldest_days, 0) AS hold_oldest_days,
                       COALESCE(dec.decision_count, 0) AS decision_count,
                       COALESCE(dec.lead_hours, 0) AS decision_lead_hours"""
                ),
                SQL(
                    "LEFT JOIN (%s) hold ON hold.company_id = company.id "
                    "LEFT JOIN (%s) dec ON dec.company_id = company.id",
                    self._cockpit_holds_sql(),
                    self._cockpit_decisions_sql(today),
                ),
            ),
            (
                SQL(
                    """COALESCE(appl.application_count, 0) AS application_count,
                       COALESCE(appl.amount, 0) AS application_amount,
                       COALESCE(appl.oldest_days, 0) AS application_oldest_days"""
                ),
                SQL("LEFT JOIN (%s) appl ON appl.company_id = company.id", self._cockpit_applications_sql()),
            ),
        ]

    @api.model
    def _cockpit_share_sql(self, part, whole):
        return SQL("CASE WHEN (%(whole)s) > 0 THEN 100.0 * (%(part)s) / (%(whole)s) ELSE 0 END", part=part, whole=whole)

    def _cockpit_receivables_sql(self, today):
        """Open receivables as the credit check counts them; what customers owe split on the
        due date. Unapplied payments and credit notes lower the receivables, not the overdue
        or not-yet-due amounts: they are due on no date, and netting them would make shares
        above 100 % or a negative best DSO."""
        return SQL(
            """
            SELECT line.company_id, SUM(line.amount_residual) AS receivable,
                   SUM(line.amount_residual) FILTER (WHERE line.amount_residual > 0 AND %(due)s < %(today)s) AS overdue,
                   SUM(line.amount_residual) FILTER (WHERE line.amount_residual > 0 AND %(due)s >= %(today)s) AS not_due
              FROM account_move_line line
             WHERE %(open_items)s
          GROUP BY line.company_id
            """,
            today=today,
            due=SQL("COALESCE(line.date_maturity, line.date)"),
            open_items=self.env["res.partner"]._credit_open_items_condition(),
        )

    def _cockpit_sales_sql(self, today):
        return SQL(
            """
            SELECT move.company_id, SUM(move.amount_total_signed) AS amount
              FROM account_move move
             WHERE %(invoices)s AND move.invoice_date BETWEEN %(start)s AND %(today)s
          GROUP BY move.company_id
            """,
            invoices=self._cockpit_invoices_condition(),
            start=self._cockpit_period_start(today),
            today=today,
        )

    def _cockpit_invoices_condition(self, alias="move"):
        return SQL(
            "%(move)s.state = 'posted' AND %(move)s.move_type IN ('out_invoice', 'out_refund')",
            move=SQL.identifier(alias),
        )

    def _cockpit_fallen_due_condition(self, today, alias="move"):
        """Customer invoices whose due date passed during the period (today excluded: an
        invoice due today can still be paid on time)."""
        return SQL(
            "%(move)s.state = 'posted' AND %(move)s.move_type = 'out_invoice' "
            "AND %(move)s.invoice_date_due >= %(start)s AND %(move)s.invoice_date_due < %(today)s",
            move=SQL.identifier(alias),
            start=self._cockpit_period_start(today) - timedelta(days=1),
            today=today,
        )

    def _cockpit_preventive_sql(self, today):
        return SQL(
            """
            SELECT move.company_id, COUNT(*) AS due_count,
                   COUNT(*) FILTER (WHERE EXISTS (
                       SELECT 1
                         FROM credit_dunning_action_move_rel rel
                         JOIN credit_dunning_action action ON action.id = rel.action_id
                         JOIN credit_dunning_stage stage ON stage.id = action.stage_id
                        WHERE rel.move_id = move.id AND stage.is_preventive AND action.state = 'done'
                          AND COALESCE(action.done_date::date, action.date) <= move.invoice_date_due
                   )) AS preventive_count
              FROM account_move move
             WHERE %(fallen_due)s
          GROUP BY move.company_id
            """,
            fallen_due=self._cockpit_fallen_due_condition(today),
        )

    def _cockpit_promises_condition(self, today, alias="action"):
        """Promises to pay whose date passed during the period (a promise for today can still be kept)."""
        return SQL(
            "%(action)s.state = 'done' AND %(action)s.outcome = 'promise' "
            "AND %(action)s.promise_date >= %(start)s AND %(action)s.promise_date < %(today)s",
            action=SQL.identifier(alias),
            start=self._cockpit_period_start(today) - timedelta(days=1),
            today=today,
        )

    def _cockpit_promises_sql(self, today):
        """A promise is kept when what was paid on its invoices, from the call to the promised
        date, reaches the promised amount (the amount due when none was given)."""
        return SQL(
            """
            SELECT action.company_id, COUNT(*) AS promise_count,
                   COUNT(*) FILTER (WHERE paid.amount >= COALESCE(NULLIF(action.promise_amount, 0), action.amount_due)
                                      AND paid.amount > 0) AS kept_count
              FROM credit_dunning_action action
              LEFT JOIN LATERAL (
                   SELECT SUM(part.amount) AS amount
                     FROM credit_dunning_action_move_rel rel
                     JOIN account_move_line line ON line.move_id = rel.move_id AND line.display_type = 'payment_term'
                     JOIN account_partial_reconcile part ON part.debit_move_id = line.id
                    WHERE rel.action_id = action.id
                      AND part.max_date BETWEEN COALESCE(action.done_date::date, action.date) AND action.promise_date
              ) paid ON TRUE
             WHERE %(promises)s
          GROUP BY action.company_id
            """,
            promises=self._cockpit_promises_condition(today),
        )

    def _cockpit_holds_sql(self):
        return SQL(
            """
            SELECT sale.company_id, COUNT(*) AS hold_count,
                   SUM(sale.amount_total / COALESCE(NULLIF(sale.currency_rate, 0), 1.0)) AS amount,
                   MAX(EXTRACT(EPOCH FROM (%s - sale.credit_release_requested_date))) / 86400.0 AS oldest_days
              FROM sale_order sale
             WHERE sale.credit_release_state = 'requested'
          GROUP BY sale.company_id
            """,
            fields.Datetime.now(),
        )

    def _cockpit_applications_sql(self):
        """The credit applications waiting for finance (requested limits in company currency)."""
        return SQL(
            """
            SELECT application.company_id, COUNT(*) AS application_count, SUM(application.requested_limit) AS amount,
                   MAX(EXTRACT(EPOCH FROM (%s - application.submitted_date))) / 86400.0 AS oldest_days
              FROM credit_application application
             WHERE application.state = 'submitted'
          GROUP BY application.company_id
            """,
            fields.Datetime.now(),
        )

    def _cockpit_decisions_condition(self, today, alias="decision"):
        """Decisions of the period that answered a release request."""
        return SQL(
            "%(decision)s.request_date IS NOT NULL AND %(decision)s.date >= %(start)s",
            decision=SQL.identifier(alias),
            start=fields.Datetime.to_datetime(self._cockpit_period_start(today)),
        )

    def _cockpit_decisions_sql(self, today):
        return SQL(
            """
            SELECT decision.company_id, COUNT(*) AS decision_count,
                   AVG(EXTRACT(EPOCH FROM (decision.date - decision.request_date))) / 3600.0 AS lead_hours
              FROM credit_decision decision
             WHERE %s
          GROUP BY decision.company_id
            """,
            self._cockpit_decisions_condition(today),
        )

    # ------------------------------------------------------------------
    # The records behind each figure
    # ------------------------------------------------------------------
    def _cockpit_action(self, xmlid, name, domain, context=None, **values):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action.update(
            name=name,
            domain=[("company_id", "=", self.company_id.id), *domain],
            context={"allowed_company_ids": self.company_id.ids, **(context or {})},
            **values,
        )
        action.pop("id", None)  # no breadcrumb of the original action
        return action

    def _cockpit_open_invoices(self, name, domain):
        return self._cockpit_action(
            "account.action_move_out_invoice_type",
            name,
            [("move_type", "in", ("out_invoice", "out_refund")), ("state", "=", "posted"), *domain],
            {"default_move_type": "out_invoice", "create": False},
        )

    def _cockpit_today(self):
        return fields.Date.context_today(self)

    def action_open_receivables(self):
        return self._cockpit_open_invoices(_("Open Receivables"), [("payment_state", "in", ("not_paid", "partial"))])

    def _cockpit_open_unpaid_invoices(self, name, due_operator):
        """The unpaid invoices whose due date compares to today by ``due_operator``."""
        return self._cockpit_open_invoices(
            name,
            [
                ("move_type", "=", "out_invoice"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("invoice_date_due", due_operator, self._cockpit_today()),
            ],
        )

    def action_open_overdue(self):
        return self._cockpit_open_unpaid_invoices(_("Overdue Invoices"), "<")

    def action_open_not_due(self):
        return self._cockpit_open_unpaid_invoices(_("Invoices Not Yet Due"), ">=")

    def action_open_sales(self):
        today = self._cockpit_today()
        return self._cockpit_open_invoices(
            _("Sales of the Period"),
            [("invoice_date", ">=", self._cockpit_period_start(today)), ("invoice_date", "<=", today)],
        )

    def action_open_overdue_trend(self):
        return self._cockpit_action(
            "credit_control.credit_cockpit_overdue_month_action", _("Overdue Share by Month"), []
        )

    def action_open_exposures(self):
        return self._cockpit_action("credit_control.credit_cockpit_exposure_action", _("Top Exposures"), [])

    def _cockpit_fallen_due_domain(self, fname):
        """``fname`` fell in the period: from the day before its start up to yesterday."""
        today = self._cockpit_today()
        return [(fname, ">=", self._cockpit_period_start(today) - timedelta(days=1)), (fname, "<", today)]

    def _cockpit_open_done_actions(self, title, domain):
        return self._cockpit_action(
            "credit_control.credit_dunning_action_action_history", title, [("state", "=", "done"), *domain]
        )

    def action_open_fallen_due(self):
        return self._cockpit_open_invoices(
            _("Invoices Fallen Due"),
            [("move_type", "=", "out_invoice"), *self._cockpit_fallen_due_domain("invoice_date_due")],
        )

    def action_open_preventive(self):
        return self._cockpit_open_done_actions(
            _("Preventive Actions"),
            [("stage_id.is_preventive", "=", True), *self._cockpit_fallen_due_domain("move_ids.invoice_date_due")],
        )

    def action_open_promises(self):
        return self._cockpit_open_done_actions(
            _("Promises to Pay"),
            [("outcome", "=", "promise"), *self._cockpit_fallen_due_domain("promise_date")],
        )

    def action_open_holds(self):
        return self._cockpit_action(
            "credit_control.sale_order_credit_release_action",
            _("Holds Waiting for a Decision"),
            [("credit_release_state", "=", "requested")],
            {"create": False},
        )

    def action_open_applications(self):
        return self._cockpit_action(
            "credit_control.credit_application_action_to_decide",
            _("Credit Applications Waiting for Finance"),
            [("state", "=", "submitted")],
            {"create": False},
        )

    def _cockpit_decisions_domain(self):
        start = fields.Datetime.to_datetime(self._cockpit_period_start(self._cockpit_today()))
        return [("request_date", "!=", False), ("date", ">=", start)]

    def action_open_decisions(self):
        """Finance and auditors open the decisions; a sales manager, who reads only those of
        the orders they sell, opens the orders decided (the figure counts all of them)."""
        if self.env.user.has_groups("credit_control.group_credit_controller,account.group_account_readonly"):
            return self._cockpit_action(
                "credit_control.credit_decision_action", _("Release Requests Decided"), self._cockpit_decisions_domain()
            )
        decisions = (
            self.env["credit.decision"]
            .sudo()
            .search([("company_id", "=", self.company_id.id), *self._cockpit_decisions_domain()])
        )
        return self._cockpit_action(
            "credit_control.sale_order_credit_release_action",
            _("Orders Decided"),
            [("id", "in", decisions.order_id.ids)],
            {"create": False},
        )
