from datetime import datetime, timezone

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, float_compare, format_amount

from .credit_insurance_cover import IN_FORCE_STATES

GRADES = [("A", "A"), ("B", "B"), ("C", "C"), ("D", "D"), ("E", "E")]
PROPOSALS = [("limit", "Credit Limit"), ("cash_in_advance", "Cash in Advance")]
# Periods of the figures, in months, each ending today.
PERIODS = (3, 6, 12)
# A trend within this many days of the previous period is stable.
TREND_STABLE_DAYS = 2


def _period_fields(field_type, label, help=None):
    """One read-only figure per period (PERIODS), the help on the 12-month one."""
    options = {"digits": (16, 1)} if field_type is fields.Float else {}
    return tuple(
        field_type(
            string=f"{label} ({months} Months)",
            readonly=True,
            help=help if months == PERIODS[-1] else None,
            **options,
        )
        for months in PERIODS
    )


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
    invoice_count_3, invoice_count_6, invoice_count_12 = _period_fields(fields.Integer, "Paid Invoices")
    amount_paid_12 = fields.Monetary(string="Paid (12 Months)", readonly=True)
    terms_3, terms_6, terms_12 = _period_fields(
        fields.Float, "Terms", help="Average days between invoice and due date, weighted by amount."
    )
    days_late_3, days_late_6, days_late_12 = _period_fields(
        fields.Float,
        "Days Late",
        help="Average days between due date and payment, weighted by amount (negative: paid early).",
    )
    payment_index_3, payment_index_6, payment_index_12 = _period_fields(
        fields.Float, "Payment Index", help="Average days from invoice to payment: terms plus days late."
    )
    late_share_3, late_share_6, late_share_12 = _period_fields(fields.Float, "Paid Late %")
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
    insurance_cap = fields.Monetary(
        string="Capped by Insurance Cover",
        readonly=True,
        help="The cover granted in force that capped the proposed limit (the company limits by insurance cover).",
    )
    proposal_reason = fields.Char(compute="_compute_proposal_reason", string="Reason")
    current_limit = fields.Monetary(compute="_compute_current_limit", string="Limit in Force")

    _sql_constraints = [
        ("partner_company_uniq", "UNIQUE (partner_id, company_id)", "One payment behaviour per customer and company."),
    ]

    def _compute_current_limit(self):
        for row in self:
            partner = row.partner_id.sudo().with_company(row.company_id)
            row.current_limit = partner._get_credit_limit_in_force() if partner else 0.0

    @api.depends("proposal", "proposed_limit", "grade", "insurance_cap")
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
            reason = self._get_limit_reason()
            if self.insurance_cap:
                reason += " " + _(
                    "Capped by the insurance cover granted: %(cover)s.",
                    cover=format_amount(self.env, self.insurance_cap, self.currency_id),
                )
            return reason
        if self.grade:
            return _("No sales over the last 12 months: no limit to propose.")
        return _("No invoice paid over the last 12 months: no grade.")

    def _get_limit_reason(self):
        days = max(self.terms_12 + max(self.days_late_12, 0.0), 0.0)
        factor = self.company_id[f"credit_grade_factor_{self.grade.lower()}"]
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
    def _compute_payment_behaviour(self, companies=None, partners=None):
        """Replace the rows of ``companies`` (default: all), of all their customers or of the
        commercial ``partners`` only, whatever their number, with a constant number of queries."""
        companies = companies or self.env["res.company"].search([])
        if not companies:
            return
        partner_ids = tuple(partners.commercial_partner_id.ids) if partners is not None else None
        if partner_ids == ():
            return
        # The run's own mark (two runs may share a transaction): what it did not write is stale.
        run = SQL("%s::timestamp", datetime.now(timezone.utc).replace(tzinfo=None).isoformat())
        today = fields.Date.context_today(self)
        self.env.flush_all()
        company_ids = tuple(companies.ids)
        scope = self._partner_scope(partner_ids)
        self.env.cr.execute(self._get_figures_query(company_ids, today, run, scope))
        self.env.cr.execute(
            SQL(
                "DELETE FROM credit_payment_behaviour WHERE company_id IN %s AND computed_date <> %s AND %s",
                company_ids,
                run,
                scope("partner_id"),
            )
        )
        self.env.cr.execute(self._get_promises_query(company_ids, today, scope))
        self.env.cr.execute(self._get_grades_query(company_ids, scope))
        self.env.cr.execute(self._get_proposals_query(company_ids, today, scope))
        self._update_extra_figures(company_ids, today, scope)
        self.invalidate_model()
        self._flag_fallen_grades(company_ids, scope)

    @staticmethod
    def _partner_scope(partner_ids):
        """A function giving the condition that keeps ``partner_ids`` in a column (all: TRUE)."""
        if partner_ids is None:
            return lambda *column: SQL("TRUE")
        return lambda *column: SQL("%s IN %s", SQL.identifier(*column), partner_ids)

    def _get_figures_query(self, company_ids, today, run, scope):
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
            WITH paid AS (%(paid)s
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
                   AND %(move_scope)s
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
            paid=self._get_paid_lines_query(
                SQL("line.company_id IN %s AND %s", company_ids, scope("move", "commercial_partner_id")), since[12]
            ),
            move_scope=scope("move", "commercial_partner_id"),
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

    @api.model
    def _get_paid_lines_query(self, condition, since):
        """The customer invoices' receivable lines fully paid after ``since``: customer, company,
        amount, terms, days late, payment date (also read by the chart by month)."""
        return SQL(
            """
                SELECT move.commercial_partner_id AS partner_id, move.company_id, line.balance AS amount,
                       line.date_maturity - move.invoice_date AS terms,
                       MAX(partial.max_date) - line.date_maturity AS late,
                       MAX(partial.max_date) AS paid_on
                  FROM account_move_line line
                  JOIN account_move move ON move.id = line.move_id
                  JOIN account_partial_reconcile partial ON partial.debit_move_id = line.id
                 WHERE %s
                   AND line.display_type = 'payment_term'
                   AND line.reconciled
                   AND line.parent_state = 'posted'
                   AND line.balance > 0
                   AND move.move_type = 'out_invoice'
                   AND move.payment_state <> 'reversed'
                 GROUP BY line.id, move.id
                HAVING MAX(partial.max_date) > %s
            """,
            condition,
            since,
        )

    def _weighted(self, expression, condition):
        """The average of ``expression`` over the paid lines meeting ``condition``, weighted by amount."""
        return SQL(
            "SUM(paid.amount * (%s)) FILTER (WHERE %s) / NULLIF(SUM(paid.amount) FILTER (WHERE %s), 0)",
            SQL(expression),
            condition,
            condition,
        )

    def _get_promises_query(self, company_ids, today, scope):
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
                   AND %(scope)s
                 GROUP BY partner.commercial_partner_id, action.company_id
              ) promises
             WHERE behaviour.partner_id = promises.partner_id AND behaviour.company_id = promises.company_id
            """,
            companies=company_ids,
            today=today,
            since=today - relativedelta(months=12),
            scope=scope("partner", "commercial_partner_id"),
        )

    def _get_grades_query(self, company_ids, scope):
        value = SQL(
            "CASE WHEN company.credit_grade_basis = 'index' THEN behaviour.payment_index_12 "
            "ELSE behaviour.days_late_12 END"
        )
        grade = SQL(
            """CASE WHEN behaviour.invoice_count_12 = 0 THEN NULL
                    WHEN %(value)s <= company.credit_grade_a_max THEN 'A'
                    WHEN %(value)s <= company.credit_grade_b_max THEN 'B'
                    WHEN %(value)s <= company.credit_grade_c_max THEN 'C'
                    WHEN %(value)s <= company.credit_grade_d_max THEN 'D'
                    ELSE 'E' END""",
            value=value,
        )
        # Only the rows whose grade changes: most keep theirs from one night to the next.
        return SQL(
            """
            UPDATE credit_payment_behaviour behaviour
               SET grade = %(grade)s
              FROM res_company company
             WHERE company.id = behaviour.company_id AND behaviour.company_id IN %(companies)s AND %(scope)s
               AND behaviour.grade IS DISTINCT FROM %(grade)s
            """,
            grade=grade,
            companies=company_ids,
            scope=scope("behaviour", "partner_id"),
        )

    def _get_proposals_query(self, company_ids, today, scope):
        """The README's rule: yearly sales / 365 x (terms + days late) x the grade's factor,
        rounded up to the hundred, capped by the insurance cover granted in force when the
        company limits by cover; grade E: cash in advance."""
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
        # The cover in force today, the latest started (as the partner's cover in force); LEAST
        # ignores its NULL.
        cover = SQL(
            """(SELECT cover.amount_granted FROM credit_insurance_cover cover
                 WHERE company.credit_insurance_limit
                   AND cover.partner_id = behaviour.partner_id AND cover.company_id = behaviour.company_id
                   AND cover.state IN %(states)s AND cover.date_start <= %(today)s
                   AND (cover.date_end IS NULL OR cover.date_end >= %(today)s)
                 ORDER BY cover.date_start DESC, cover.id DESC LIMIT 1)""",
            states=IN_FORCE_STATES,
            today=today,
        )
        values = SQL(
            """LEAST(%(amount)s, %(cover)s),
               CASE WHEN %(cover)s < %(amount)s THEN %(cover)s END,
               CASE WHEN behaviour.grade = 'E' THEN 'cash_in_advance' WHEN %(amount)s > 0 THEN 'limit' END""",
            amount=amount,
            cover=cover,
        )
        # Only the rows whose proposal changes.
        return SQL(
            """
            UPDATE credit_payment_behaviour behaviour
               SET (proposed_limit, insurance_cap, proposal) = (%(values)s)
              FROM res_company company
             WHERE company.id = behaviour.company_id AND behaviour.company_id IN %(companies)s AND %(scope)s
               AND (behaviour.proposed_limit, behaviour.insurance_cap, behaviour.proposal)
                   IS DISTINCT FROM (%(values)s)
            """,
            values=values,
            companies=company_ids,
            scope=scope("behaviour", "partner_id"),
        )

    def _update_extra_figures(self, company_ids, today, scope):
        """Hook for the figures of other addons (disputes per invoice), set-based too, on the rows
        whose partner_id ``scope`` keeps (see _partner_scope)."""

    def _flag_fallen_grades(self, company_ids, scope):
        """Finance's to-dos on the customers whose grade fell in this run, once per fall: a review
        of the customer, and at grade E dunning's proposal of cash in advance. None where one is
        still open (the next run finds no fall: previous grade and grade are the same). A first
        grade is no fall: no review; a first grade E still proposes cash in advance (README).
        A constant number of queries, whatever the number of falls: the falls and their open
        to-dos in one query, the rows, customers and flags read at once, the to-dos created
        without an assignment email each."""
        review_type = self.env.ref("credit_control.mail_activity_credit_grade_fallen")
        cash_type = self.env.ref("credit_control.mail_activity_dunning_cash_in_advance")
        rows = self.env.execute_query(
            SQL(
                """SELECT behaviour.id,
                          behaviour.previous_grade IS NOT NULL AND NOT EXISTS (%(review)s),
                          behaviour.proposal = 'cash_in_advance' AND NOT EXISTS (%(cash)s)
                     FROM credit_payment_behaviour behaviour
                    WHERE behaviour.company_id IN %(companies)s AND %(scope)s
                      AND (behaviour.grade > behaviour.previous_grade
                           OR (behaviour.grade = 'E' AND behaviour.previous_grade IS DISTINCT FROM 'E'))""",
                review=self._open_todo_query(review_type),
                cash=self._open_todo_query(cash_type),
                companies=company_ids,
                scope=scope("behaviour", "partner_id"),
            )
        )
        if not rows:
            return
        fallen = self.browse(row_id for row_id, __, __ in rows)
        fallen.fetch([name for name, field in self._fields.items() if field.store and field.column_type])
        # The to-dos' document names, computed at once rather than each on its own.
        fallen.partner_id.mapped("display_name")
        to_review = self.browse(row_id for row_id, review, __ in rows if review)
        to_propose = self.browse(row_id for row_id, __, cash in rows if cash)._without_cash_in_advance()
        controllers = {
            company: company._get_credit_controller().id or self.env.ref("base.user_admin").id
            for company in fallen.company_id
        }
        activity_values = self.env["credit.dunning.action"]._activity_values
        values = activity_values(
            self.env["res.partner"].browse([row.partner_id.id for row in to_review]),
            "credit_control.mail_activity_credit_grade_fallen",
            [
                self.env._(
                    "Payment grade of %(customer)s fell from %(before)s to %(after)s",
                    customer=row.partner_id.name,
                    before=row.previous_grade,
                    after=row.grade,
                )
                for row in to_review
            ],
            [controllers[row.company_id] for row in to_review],
        )
        # Dunning's own proposal (its _cash_in_advance_todo), for all the rows at once.
        values += activity_values(
            self.env["res.partner"].browse([row.partner_id.id for row in to_propose]),
            "credit_control.mail_activity_dunning_cash_in_advance",
            [self.env._("Put %(customer)s on cash in advance?", customer=row.partner_id.name) for row in to_propose],
            [controllers[row.company_id] for row in to_propose],
        )
        for row, value in zip(to_review + to_propose, values, strict=True):
            value["note"] = row._get_proposal_reason()
        self._create_todos(values)

    @api.model
    def _open_todo_query(self, activity_type):
        """The open to-dos of this type on the behaviour row's customer (as ``behaviour``)."""
        return SQL(
            """SELECT 1 FROM mail_activity todo
                WHERE todo.res_model = 'res.partner' AND todo.res_id = behaviour.partner_id
                  AND todo.activity_type_id = %s AND todo.active""",
            activity_type.id,
        )

    def _without_cash_in_advance(self):
        """The rows whose customer is not on cash in advance in the row's company (one read per
        company)."""
        kept = self.browse()
        for company in self.company_id:
            rows = self.filtered(lambda row, company=company: row.company_id == company)
            on_cash = rows.partner_id.with_company(company).filtered("credit_cash_in_advance")
            kept |= rows.filtered(lambda row, on_cash=on_cash: row.partner_id not in on_cash)
        return kept

    @api.model
    def _create_todos(self, values):
        """The run's to-dos, as few creates as a customer has to-dos (mail.activity's create
        subscribes each create's records once, a record twice breaks the followers' unique key);
        like the dunning run's, they send no assignment email each (the activities menu shows
        them)."""
        activities = self.env["mail.activity"].with_context(mail_activity_quick_update=True)
        while values:
            batch = {(value["res_model_id"], value["res_id"]): value for value in reversed(values)}
            activities.create(list(batch.values()))
            created = {id(value) for value in batch.values()}
            values = [value for value in values if id(value) not in created]

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
