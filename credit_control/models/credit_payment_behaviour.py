from datetime import datetime, timezone

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, float_compare, format_amount

GRADES = [("A", "A"), ("B", "B"), ("C", "C"), ("D", "D"), ("E", "E")]
PROPOSALS = [("limit", "Credit Limit"), ("cash_in_advance", "Cash in Advance")]
# Periods of the figures, in months, each ending today.
PERIODS = (3, 6, 12)
# A trend within this many days of the previous period is stable.
TREND_STABLE_DAYS = 2


class CreditPaymentBehaviour(models.Model):
    """How a customer pays a company, from its reconciled invoices: one row per customer and
    company, replaced by the nightly job (or finance's button) in a few set-based queries."""

    _name = "credit.payment.behaviour"
    _description = "Payment Behaviour"
    _order = "company_id, grade desc, payment_index_12 desc, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True, ondelete="cascade")
    currency_id = fields.Many2one(related="company_id.currency_id")
    computed_date = fields.Datetime(string="Computed On", readonly=True)
    invoice_count_3 = fields.Integer(string="Paid Invoices (3 Months)", readonly=True)
    invoice_count_6 = fields.Integer(string="Paid Invoices (6 Months)", readonly=True)
    invoice_count_12 = fields.Integer(string="Paid Invoices (12 Months)", readonly=True)
    amount_paid_12 = fields.Monetary(string="Paid (12 Months)", readonly=True)
    terms_3 = fields.Float(string="Terms (3 Months)", digits=(16, 1), readonly=True)
    terms_6 = fields.Float(string="Terms (6 Months)", digits=(16, 1), readonly=True)
    terms_12 = fields.Float(
        string="Terms (12 Months)",
        digits=(16, 1),
        readonly=True,
        help="Average days between invoice and due date, weighted by amount.",
    )
    days_late_3 = fields.Float(string="Days Late (3 Months)", digits=(16, 1), readonly=True)
    days_late_6 = fields.Float(string="Days Late (6 Months)", digits=(16, 1), readonly=True)
    days_late_12 = fields.Float(
        string="Days Late (12 Months)",
        digits=(16, 1),
        readonly=True,
        help="Average days between due date and payment, weighted by amount (negative: paid early).",
    )
    payment_index_3 = fields.Float(string="Payment Index (3 Months)", digits=(16, 1), readonly=True)
    payment_index_6 = fields.Float(string="Payment Index (6 Months)", digits=(16, 1), readonly=True)
    payment_index_12 = fields.Float(
        string="Payment Index (12 Months)",
        digits=(16, 1),
        readonly=True,
        help="Average days from invoice to payment: terms plus days late.",
    )
    late_share_3 = fields.Float(string="Paid Late % (3 Months)", digits=(16, 1), readonly=True)
    late_share_6 = fields.Float(string="Paid Late % (6 Months)", digits=(16, 1), readonly=True)
    late_share_12 = fields.Float(string="Paid Late % (12 Months)", digits=(16, 1), readonly=True)
    payment_index_prev_3 = fields.Float(string="Payment Index (3 Months Before)", digits=(16, 1), readonly=True)
    trend_days = fields.Float(
        string="Trend (Days)",
        digits=(16, 1),
        readonly=True,
        help="Payment index of the last 3 months minus that of the 3 months before (positive: worse).",
    )
    trend = fields.Selection([("better", "Better"), ("stable", "Stable"), ("worse", "Worse")], readonly=True)
    promise_count = fields.Integer(string="Promises Due (12 Months)", readonly=True)
    promise_kept_count = fields.Integer(string="Promises Kept", readonly=True)
    invoiced_count = fields.Integer(string="Invoices (12 Months)", readonly=True)
    sales_volume = fields.Monetary(
        string="Yearly Sales", readonly=True, help="Invoiced over the last 12 months, less credit notes."
    )
    grade = fields.Selection(GRADES, readonly=True, index=True)
    previous_grade = fields.Selection(GRADES, readonly=True, help="The grade before the last computation.")
    proposal = fields.Selection(PROPOSALS, readonly=True)
    proposed_limit = fields.Monetary(readonly=True)
    proposal_reason = fields.Char(compute="_compute_proposal_reason", string="Reason")
    current_limit = fields.Monetary(compute="_compute_current_limit", string="Limit in Force")

    _sql_constraints = [
        ("partner_company_uniq", "UNIQUE (partner_id, company_id)", "One payment behaviour per customer and company."),
    ]

    def _compute_current_limit(self):
        for row in self:
            partner = row.partner_id.sudo().with_company(row.company_id)
            row.current_limit = partner._get_credit_limit_in_force() if partner else 0.0

    @api.depends("proposal", "proposed_limit", "grade")
    def _compute_proposal_reason(self):
        for row in self:
            row.proposal_reason = row._get_proposal_reason()

    def _get_proposal_reason(self):
        self.ensure_one()
        company = self.company_id
        basis = dict(company._fields["credit_grade_basis"]._description_selection(self.env))[
            company.credit_grade_basis or "days_late"
        ]
        if self.proposal == "cash_in_advance":
            return _(
                "Grade E (%(basis)s over 12 months: %(value)s days, %(late)s %% of the amount paid late): "
                "repeated lateness, cash in advance proposed.",
                basis=basis,
                value=round(self._get_grade_value(), 1),
                late=round(self.late_share_12, 1),
            )
        if self.proposal == "limit":
            days = max(self.terms_12 + max(self.days_late_12, 0.0), 0.0)
            factor = company[f"credit_grade_factor_{self.grade.lower()}"]
            return _(
                "Grade %(grade)s: yearly sales %(volume)s / 365 x %(days)s days (terms %(terms)s + late "
                "%(late)s) x factor %(factor)s, rounded up to the hundred.",
                grade=self.grade,
                volume=format_amount(self.env, self.sales_volume, self.currency_id),
                days=round(days, 1),
                terms=round(self.terms_12, 1),
                late=round(max(self.days_late_12, 0.0), 1),
                factor=factor,
            )
        if self.grade:
            return _("No sales over the last 12 months: no limit to propose.")
        return _("No invoice paid over the last 12 months: no grade.")

    def _get_grade_value(self):
        return self.payment_index_12 if self.company_id.credit_grade_basis == "index" else self.days_late_12

    # ------------------------------------------------------------------
    # The job
    # ------------------------------------------------------------------
    @api.model
    def _cron_compute_payment_behaviour(self):
        self.sudo()._compute_payment_behaviour()

    def action_compute_payment_behaviour(self):
        """Finance's button: the figures of all the customers of the user's companies, now."""
        if not self.env.user.has_group("credit_control.group_credit_controller"):
            raise AccessError(_("Only finance (Credit Control group) computes the payment behaviour."))
        self.sudo()._compute_payment_behaviour(self.env.companies)
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    @api.model
    def _compute_payment_behaviour(self, companies=None):
        """Replace the rows of ``companies`` (default: all), whatever their number of customers,
        with a constant number of queries."""
        companies = companies or self.env["res.company"].search([])
        if not companies:
            return
        # The run's own mark (two runs may share a transaction): what it did not write is stale.
        run = SQL("%s::timestamp", datetime.now(timezone.utc).replace(tzinfo=None).isoformat())
        today = fields.Date.context_today(self)
        self.env.flush_all()
        company_ids = tuple(companies.ids)
        self.env.cr.execute(self._get_figures_query(company_ids, today, run))
        self.env.cr.execute(
            SQL(
                "DELETE FROM credit_payment_behaviour WHERE company_id IN %s AND computed_date <> %s",
                company_ids,
                run,
            )
        )
        self.env.cr.execute(self._get_promises_query(company_ids, today))
        self.env.cr.execute(self._get_grades_query(company_ids))
        self.env.cr.execute(self._get_proposals_query(company_ids))
        self._update_extra_figures(company_ids, today)
        self.invalidate_model()
        self._flag_fallen_grades(company_ids)

    def _get_figures_query(self, company_ids, today, run):
        since = {months: today - relativedelta(months=months) for months in PERIODS}
        columns, values = [], []
        for months in PERIODS:
            period = SQL("paid.paid_on > %s", since[months])
            late = SQL("paid.paid_on > %s AND paid.late > 0", since[months])
            columns += [
                f"invoice_count_{months}",
                f"terms_{months}",
                f"days_late_{months}",
                f"payment_index_{months}",
                f"late_share_{months}",
            ]
            values += [
                SQL("COUNT(*) FILTER (WHERE %s)", period),
                self._weighted("paid.terms", period),
                self._weighted("paid.late", period),
                self._weighted("paid.terms + paid.late", period),
                SQL(
                    "100.0 * COALESCE(SUM(paid.amount) FILTER (WHERE %s), 0) / NULLIF(SUM(paid.amount) FILTER "
                    "(WHERE %s), 0)",
                    late,
                    period,
                ),
            ]
        previous = SQL("paid.paid_on > %s AND paid.paid_on <= %s", since[6], since[3])
        columns += ["amount_paid_12", "payment_index_prev_3"]
        values += [
            SQL("SUM(paid.amount) FILTER (WHERE paid.paid_on > %s)", since[12]),
            self._weighted("paid.terms + paid.late", previous),
        ]
        names = SQL(", ").join(SQL.identifier(name) for name in columns)
        updates = SQL(", ").join(
            SQL("%s = EXCLUDED.%s", SQL.identifier(name), SQL.identifier(name))
            for name in [
                *columns,
                "trend_days",
                "trend",
                "sales_volume",
                "invoiced_count",
                "computed_date",
                "promise_count",
                "promise_kept_count",
                "write_date",
                "write_uid",
            ]
        )
        return SQL(
            """
            WITH paid AS (
                SELECT move.commercial_partner_id AS partner_id, move.company_id, line.balance AS amount,
                       line.date_maturity - move.invoice_date AS terms,
                       MAX(partial.max_date) - line.date_maturity AS late,
                       MAX(partial.max_date) AS paid_on
                  FROM account_move_line line
                  JOIN account_move move ON move.id = line.move_id
                  JOIN account_partial_reconcile partial ON partial.debit_move_id = line.id
                 WHERE line.company_id IN %(companies)s
                   AND line.display_type = 'payment_term'
                   AND line.reconciled
                   AND line.parent_state = 'posted'
                   AND line.balance > 0
                   AND move.move_type = 'out_invoice'
                   AND move.payment_state <> 'reversed'
                 GROUP BY line.id, move.id
                HAVING MAX(partial.max_date) > %(since)s
            ), figures AS (
                SELECT paid.partner_id, paid.company_id, %(values)s
                  FROM paid
                 GROUP BY paid.partner_id, paid.company_id
            ), volume AS (
                SELECT move.commercial_partner_id AS partner_id, move.company_id,
                       SUM(move.amount_total_signed) AS amount,
                       COUNT(*) FILTER (WHERE move.move_type = 'out_invoice') AS invoiced_count
                  FROM account_move move
                 WHERE move.company_id IN %(companies)s
                   AND move.move_type IN ('out_invoice', 'out_refund')
                   AND move.state = 'posted'
                   AND move.invoice_date > %(since)s
                 GROUP BY move.commercial_partner_id, move.company_id
            ), rows AS (
                SELECT COALESCE(figures.partner_id, volume.partner_id) AS partner_id,
                       COALESCE(figures.company_id, volume.company_id) AS company_id,
                       %(figure_names)s, COALESCE(volume.amount, 0) AS sales_volume,
                       COALESCE(volume.invoiced_count, 0) AS invoiced_count
                  FROM figures
                  FULL JOIN volume ON volume.partner_id = figures.partner_id
                                  AND volume.company_id = figures.company_id
            )
            INSERT INTO credit_payment_behaviour (partner_id, company_id, %(names)s, trend_days, trend,
                                                  sales_volume, invoiced_count, computed_date, promise_count,
                                                  promise_kept_count, create_uid, create_date, write_uid,
                                                  write_date)
            SELECT rows.partner_id, rows.company_id, %(row_names)s,
                   rows.payment_index_3 - rows.payment_index_prev_3,
                   CASE WHEN rows.payment_index_3 - rows.payment_index_prev_3 > %(stable)s THEN 'worse'
                        WHEN rows.payment_index_3 - rows.payment_index_prev_3 < -%(stable)s THEN 'better'
                        WHEN rows.payment_index_3 IS NOT NULL AND rows.payment_index_prev_3 IS NOT NULL
                        THEN 'stable' END,
                   rows.sales_volume, rows.invoiced_count, %(run)s, 0, 0, %(uid)s, %(run)s, %(uid)s, %(run)s
              FROM rows
            ON CONFLICT (partner_id, company_id) DO UPDATE
               SET %(updates)s, previous_grade = credit_payment_behaviour.grade
            """,
            companies=company_ids,
            since=since[12],
            values=SQL(", ").join(
                SQL("%s AS %s", value, SQL.identifier(name)) for name, value in zip(columns, values, strict=True)
            ),
            names=names,
            row_names=SQL(", ").join(SQL.identifier("rows", name) for name in columns),
            figure_names=SQL(", ").join(SQL.identifier("figures", name) for name in columns),
            stable=TREND_STABLE_DAYS,
            run=run,
            uid=self.env.uid,
            updates=updates,
        )

    def _weighted(self, expression, condition):
        """The average of ``expression`` over the paid lines meeting ``condition``, weighted by amount."""
        return SQL(
            "SUM(paid.amount * (%s)) FILTER (WHERE %s) / NULLIF(SUM(paid.amount) FILTER (WHERE %s), 0)",
            SQL(expression),
            condition,
            condition,
        )

    def _get_promises_query(self, company_ids, today):
        """Promises to pay that fell due over the last 12 months; one is kept when every invoice
        of its dunning action was paid in full by the promised date."""
        return SQL(
            """
            UPDATE credit_payment_behaviour behaviour
               SET promise_count = promises.total, promise_kept_count = promises.kept
              FROM (
                SELECT partner.commercial_partner_id AS partner_id, action.company_id, COUNT(*) AS total,
                       COUNT(*) FILTER (WHERE NOT EXISTS (
                           SELECT 1
                             FROM credit_dunning_action_move_rel rel
                             JOIN account_move_line line ON line.move_id = rel.move_id
                                                        AND line.display_type = 'payment_term'
                            WHERE rel.action_id = action.id
                              AND (NOT line.reconciled
                                   OR (SELECT MAX(partial.max_date) FROM account_partial_reconcile partial
                                        WHERE partial.debit_move_id = line.id) > action.promise_date)
                       )) AS kept
                  FROM credit_dunning_action action
                  JOIN res_partner partner ON partner.id = action.partner_id
                 WHERE action.company_id IN %(companies)s
                   AND action.outcome = 'promise'
                   AND action.promise_date < %(today)s
                   AND action.promise_date > %(since)s
                 GROUP BY partner.commercial_partner_id, action.company_id
              ) promises
             WHERE behaviour.partner_id = promises.partner_id AND behaviour.company_id = promises.company_id
            """,
            companies=company_ids,
            today=today,
            since=today - relativedelta(months=12),
        )

    def _get_grades_query(self, company_ids):
        value = SQL(
            "CASE WHEN company.credit_grade_basis = 'index' THEN behaviour.payment_index_12 "
            "ELSE behaviour.days_late_12 END"
        )
        return SQL(
            """
            UPDATE credit_payment_behaviour behaviour
               SET grade = CASE WHEN behaviour.invoice_count_12 = 0 THEN NULL
                                WHEN %(value)s <= company.credit_grade_a_max THEN 'A'
                                WHEN %(value)s <= company.credit_grade_b_max THEN 'B'
                                WHEN %(value)s <= company.credit_grade_c_max THEN 'C'
                                WHEN %(value)s <= company.credit_grade_d_max THEN 'D'
                                ELSE 'E' END
              FROM res_company company
             WHERE company.id = behaviour.company_id AND behaviour.company_id IN %(companies)s
            """,
            value=value,
            companies=company_ids,
        )

    def _get_proposals_query(self, company_ids):
        """The README's rule: yearly sales / 365 x (terms + days late) x the grade's factor,
        rounded up to the hundred; grade E: cash in advance."""
        amount = SQL(
            """CASE WHEN behaviour.grade IN ('A', 'B', 'C', 'D') THEN
                   CEIL(GREATEST(behaviour.sales_volume, 0) / 365.0
                        * GREATEST(COALESCE(behaviour.terms_12, 0)
                                   + GREATEST(COALESCE(behaviour.days_late_12, 0), 0), 0)
                        * CASE behaviour.grade WHEN 'A' THEN company.credit_grade_factor_a
                                               WHEN 'B' THEN company.credit_grade_factor_b
                                               WHEN 'C' THEN company.credit_grade_factor_c
                                               ELSE company.credit_grade_factor_d END
                        / 100.0) * 100
               ELSE 0 END"""
        )
        # One table and the companies, no self-join: the table's statistics may be those of a
        # much smaller run.
        return SQL(
            """
            UPDATE credit_payment_behaviour behaviour
               SET proposed_limit = %(amount)s,
                   proposal = CASE WHEN behaviour.grade = 'E' THEN 'cash_in_advance'
                                   WHEN %(amount)s > 0 THEN 'limit' END
              FROM res_company company
             WHERE company.id = behaviour.company_id AND behaviour.company_id IN %(companies)s
            """,
            amount=amount,
            companies=company_ids,
        )

    def _update_extra_figures(self, company_ids, today):
        """Hook for the figures of other addons (disputes per invoice), set-based too."""

    def _flag_fallen_grades(self, company_ids):
        """A to-do to finance for each customer whose grade fell in this run, unless one is open."""
        fallen = self.search(
            [("company_id", "in", company_ids), ("previous_grade", "!=", False), ("grade", "!=", False)]
        ).filtered(lambda row: row.grade > row.previous_grade)
        if not fallen:
            return
        activity_type = self.env.ref("credit_control.mail_activity_credit_grade_fallen")
        open_activities = self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", fallen.partner_id.ids),
                ("activity_type_id", "=", activity_type.id),
            ]
        )
        flagged = set(open_activities.mapped("res_id"))
        model = self.env["ir.model"]._get_id("res.partner")
        values = []
        for row in fallen.filtered(lambda r: r.partner_id.id not in flagged):
            flagged.add(row.partner_id.id)
            values.append(
                {
                    "res_model_id": model,
                    "res_id": row.partner_id.id,
                    "activity_type_id": activity_type.id,
                    "summary": _(
                        "Payment grade of %(customer)s fell from %(before)s to %(after)s",
                        customer=row.partner_id.name,
                        before=row.previous_grade,
                        after=row.grade,
                    ),
                    "note": row.proposal_reason,
                    "user_id": row.company_id._get_credit_controller().id or self.env.ref("base.user_admin").id,
                    "date_deadline": fields.Date.context_today(self),
                }
            )
        self.env["mail.activity"].create(values)

    # ------------------------------------------------------------------
    # Finance applies the proposal
    # ------------------------------------------------------------------
    def action_apply_proposal(self):
        """One click: the proposal becomes a credit decision, with the rules of every decision
        (finance only, four eyes on held orders, a reason in the history)."""
        self.ensure_one()
        if not self.env.user.has_group("credit_control.group_credit_controller"):
            raise AccessError(_("Only finance (Credit Control group) decides on customer credit."))
        partner = self.partner_id.with_company(self.company_id)
        if self.proposal == "cash_in_advance":
            if partner.sudo().credit_cash_in_advance:
                raise UserError(_("%(customer)s is already on cash in advance.", customer=partner.name))
            decision = "cash_in_advance"
        elif self.proposal == "limit":
            if not float_compare(partner.credit_limit, self.proposed_limit, precision_rounding=0.01):
                raise UserError(
                    _("The credit limit of %(customer)s is already the proposed one.", customer=partner.name)
                )
            decision = "limit_permanent"
        else:
            raise UserError(
                _(
                    "There is no proposal for %(customer)s: %(reason)s",
                    customer=partner.name,
                    reason=self.proposal_reason,
                )
            )
        wizard = (
            self.env["credit.decision.wizard"]
            .with_company(self.company_id)
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": self.company_id.id,
                    "decision": decision,
                    "new_limit": self.proposed_limit,
                    "reason": _("Proposal applied: %(reason)s", reason=self.proposal_reason),
                }
            )
        )
        return wizard.action_apply()
