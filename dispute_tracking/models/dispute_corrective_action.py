from datetime import timedelta

from dateutil.relativedelta import relativedelta
from psycopg2 import IntegrityError

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, date_utils, mute_logger
from odoo.tools.sql import create_unique_index

from .dispute_reason import RECURRENCE_PERIODS

ACTION_STATES = [
    ("open", "To Decide"),
    ("in_progress", "In Progress"),
    ("done", "Done"),
    ("cancel", "Cancelled"),
]
TRENDS = [("pending", "Not Done Yet"), ("fell", "Cause Fell"), ("not_fallen", "Cause Did Not Fall")]
# Days the department's manager has to decide and carry out the action.
DEFAULT_DUE_DAYS = 30


class DisputeCorrectiveAction(models.Model):
    """What a department decides against a cause of disputes that keeps coming back: raised
    when disputes of the same reason, department and salesperson or product reach the
    threshold in a month or quarter, one per cause and period."""

    _name = "dispute.corrective.action"
    _description = "Corrective Action"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "period_start desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    reason_id = fields.Many2one("dispute.reason", required=True, index=True, ondelete="restrict")
    department_id = fields.Many2one("dispute.department", required=True, index=True, ondelete="restrict")
    salesperson_id = fields.Many2one("res.users", index="btree_not_null")
    product_id = fields.Many2one("product.product", index="btree_not_null")
    recurrence_period = fields.Selection(RECURRENCE_PERIODS, string="Period", default="month", required=True)
    period_start = fields.Date(required=True)
    period_end = fields.Date(compute="_compute_period_end", store=True)
    dispute_count = fields.Integer(string="Disputes When Raised", readonly=True)
    cause = fields.Text(tracking=True, help="What keeps going wrong.")
    action = fields.Text(string="Action Decided", tracking=True, help="What the department does to remove the cause.")
    user_id = fields.Many2one("res.users", string="Owner", tracking=True, index=True)
    date_due = fields.Date(string="Due Date", tracking=True)
    date_done = fields.Datetime(string="Done On", readonly=True, copy=False)
    state = fields.Selection(ACTION_STATES, default="open", required=True, tracking=True)
    count_before = fields.Integer(
        string="Disputes in the Period",
        compute="_compute_trend",
        help="Disputes of this cause opened in the period that raised the action, before the action was done.",
    )
    count_after = fields.Integer(
        string="Disputes Since Done",
        compute="_compute_trend",
        help="Disputes of this cause opened in the period of the same length from the day the action was done.",
    )
    trend = fields.Selection(TRENDS, compute="_compute_trend")

    def init(self):
        # One action per cause and period, also when the cause has no product or salesperson.
        create_unique_index(
            self.env.cr,
            "dispute_corrective_action_cause_period_uniq",
            self._table,
            [
                "company_id",
                "reason_id",
                "department_id",
                "COALESCE(salesperson_id, 0)",
                "COALESCE(product_id, 0)",
                "period_start",
            ],
        )

    @api.depends("reason_id", "salesperson_id", "product_id", "period_start")
    def _compute_name(self):
        for action in self:
            about = action.salesperson_id.name or action.product_id.display_name
            parts = [action.reason_id.name, about, action.period_start and fields.Date.to_string(action.period_start)]
            action.name = " / ".join(part for part in parts if part)

    @api.depends("period_start", "recurrence_period")
    def _compute_period_end(self):
        for action in self:
            action.period_end = (
                date_utils.end_of(action.period_start, action.recurrence_period) if action.period_start else False
            )

    @api.depends("state", "date_done", "period_start", "period_end")
    def _compute_trend(self):
        counts = {}
        if self.ids:
            self.env["dispute.dispute"].flush_model(["company_id", "reason_id", "department_id", "date_open", "stage"])
            self.flush_recordset()
            rows = self.env.execute_query(
                SQL(
                    """
                    SELECT a.id,
                           COUNT(d.id) FILTER (WHERE d.date_open >= a.period_start
                                                 AND d.date_open < a.period_end + 1
                                                 AND (a.date_done IS NULL OR d.date_open <= a.date_done)),
                           COUNT(d.id) FILTER (WHERE a.date_done IS NOT NULL AND d.date_open > a.date_done
                                                 AND d.date_open < a.date_done
                                                     + (a.period_end - a.period_start + 1) * INTERVAL '1 day')
                      FROM dispute_corrective_action a
                      LEFT JOIN dispute_dispute d
                             ON d.company_id = a.company_id AND d.reason_id = a.reason_id
                            AND d.department_id = a.department_id AND d.stage <> 'rejected'
                            AND (a.salesperson_id IS NULL OR d.salesperson_id = a.salesperson_id)
                            AND (a.product_id IS NULL OR d.product_id = a.product_id)
                     WHERE a.id = ANY(%s)
                     GROUP BY a.id
                    """,
                    self.ids,
                )
            )
            counts = {action_id: (before, after) for action_id, before, after in rows}
        for action in self:
            before, after = counts.get(action.id, (0, 0))
            action.count_before, action.count_after = before, after
            if action.state != "done":
                action.trend = "pending"
            else:
                action.trend = "fell" if after < before else "not_fallen"

    # ---------------------------------------------------------------- detection

    @api.model
    def _recurring_causes_sql(self, since, reasons=None):
        """Causes whose disputes reach their threshold in a period and have no action yet, in
        one aggregate query: the reason's settings when it tracks recurring causes, else its
        department's."""
        reason_filter = SQL("AND d.reason_id = ANY(%s)", reasons.ids) if reasons else SQL()
        return SQL(
            """
            WITH disputes AS (
                SELECT d.company_id, d.reason_id, d.department_id, d.date_open,
                       CASE WHEN cfg.key = 'salesperson' THEN d.salesperson_id END AS salesperson_id,
                       CASE WHEN cfg.key = 'product' THEN d.product_id END AS product_id,
                       cfg.threshold, cfg.period, date_trunc(cfg.period, d.date_open)::date AS period_start
                  FROM dispute_dispute d
                  JOIN dispute_reason r ON r.id = d.reason_id
                  JOIN dispute_department dep ON dep.id = d.department_id
                 CROSS JOIN LATERAL (
                       SELECT CASE WHEN r.recurrence_tracking THEN r.recurrence_threshold
                                   ELSE dep.recurrence_threshold END AS threshold,
                              CASE WHEN r.recurrence_tracking THEN r.recurrence_period
                                   ELSE dep.recurrence_period END AS period,
                              CASE WHEN r.recurrence_tracking THEN r.recurrence_group_by
                                   ELSE dep.recurrence_group_by END AS key
                 ) cfg
                 WHERE (r.recurrence_tracking OR dep.recurrence_tracking)
                   AND d.stage <> 'rejected' AND d.date_open >= %(since)s %(reason_filter)s
            ), causes AS (
                SELECT company_id, reason_id, department_id, salesperson_id, product_id, period, period_start,
                       COUNT(*) AS dispute_count
                  FROM disputes
                 WHERE COALESCE(salesperson_id, product_id) IS NOT NULL
                 GROUP BY company_id, reason_id, department_id, salesperson_id, product_id, period, period_start
                HAVING COUNT(*) >= MIN(threshold)
            )
            SELECT c.company_id, c.reason_id, c.department_id, c.salesperson_id, c.product_id, c.period,
                   c.period_start, c.dispute_count
              FROM causes c
             WHERE NOT EXISTS (
                   SELECT 1 FROM dispute_corrective_action a
                    WHERE a.company_id = c.company_id AND a.reason_id = c.reason_id
                      AND a.department_id = c.department_id AND a.period_start = c.period_start
                      AND COALESCE(a.salesperson_id, 0) = COALESCE(c.salesperson_id, 0)
                      AND COALESCE(a.product_id, 0) = COALESCE(c.product_id, 0))
             ORDER BY c.period_start, c.reason_id
            """,
            since=since,
            reason_filter=reason_filter,
        )

    @api.model
    def _raise_for_recurring_causes(self, reasons=None):
        """Raise the corrective actions of the causes that reached their threshold in the
        current or the previous quarter (so months and quarters just closed are counted).
        Runs as superuser: whoever opens the dispute, the department's manager gets the action."""
        Action = self.sudo()
        self.env.flush_all()
        today = fields.Date.context_today(self)
        since = date_utils.start_of(today, "quarter") - relativedelta(months=3)
        rows = self.env.execute_query_dict(self._recurring_causes_sql(since, reasons))
        actions = Action.browse()
        for row in rows:
            try:
                # A concurrent transaction may raise the same one: it wins, this one skips it.
                with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                    actions |= Action.create(Action._raise_values(row, today))
            except IntegrityError:
                continue
        actions._notify_owner()
        return actions

    @api.model
    def _raise_values(self, row, today):
        department = self.env["dispute.department"].browse(row["department_id"])
        company = self.env["res.company"].browse(row["company_id"])
        reason = self.env["dispute.reason"].browse(row["reason_id"])
        about = (
            self.env["res.users"].browse(row["salesperson_id"]).name
            if row["salesperson_id"]
            else self.env["product.product"].browse(row["product_id"]).display_name
        )
        owner = department.manager_id or department._get_default_owner() or company.credit_controller_id
        return {
            "company_id": company.id,
            "reason_id": reason.id,
            "department_id": department.id,
            "salesperson_id": row["salesperson_id"],
            "product_id": row["product_id"],
            "recurrence_period": row["period"],
            "period_start": row["period_start"],
            "dispute_count": row["dispute_count"],
            "user_id": owner.id,
            "date_due": today + timedelta(days=DEFAULT_DUE_DAYS),
            "cause": self.env._(
                '%(count)s disputes "%(reason)s" (%(department)s) for %(about)s since %(start)s.',
                count=row["dispute_count"],
                reason=reason.name,
                department=department.name,
                about=about,
                start=fields.Date.to_string(row["period_start"]),
            ),
        }

    def _notify_owner(self):
        activity_type = self.env.ref("dispute_tracking.mail_activity_corrective_action")
        for action in self.filtered("user_id"):
            action.message_subscribe(partner_ids=action.user_id.partner_id.ids)
            action.activity_schedule(
                activity_type_id=activity_type.id,
                user_id=action.user_id.id,
                date_deadline=action.date_due,
                summary=self.env._("Decide a corrective action: %(name)s", name=action.name),
            )

    @api.model
    def _cron_raise_corrective_actions(self):
        return self._raise_for_recurring_causes()

    # ---------------------------------------------------------------- actions

    def action_start(self):
        self.write({"state": "in_progress"})

    def action_done(self):
        missing = self.filtered(lambda action: not action.action)
        if missing:
            raise UserError(
                self.env._(
                    "Write the action decided before marking these corrective actions done: %(names)s.",
                    names=", ".join(missing.mapped("name")),
                )
            )
        self.write({"state": "done", "date_done": fields.Datetime.now()})
        self.activity_feedback(["dispute_tracking.mail_activity_corrective_action"])

    def action_cancel(self):
        self.write({"state": "cancel"})
        self.activity_unlink(["dispute_tracking.mail_activity_corrective_action"])

    def action_reopen(self):
        self.write({"state": "open", "date_done": False})

    def _cause_domain(self):
        self.ensure_one()
        domain = [
            ("company_id", "=", self.company_id.id),
            ("reason_id", "=", self.reason_id.id),
            ("department_id", "=", self.department_id.id),
            ("stage", "!=", "rejected"),
        ]
        if self.salesperson_id:
            domain.append(("salesperson_id", "=", self.salesperson_id.id))
        if self.product_id:
            domain.append(("product_id", "=", self.product_id.id))
        return domain

    def action_view_disputes(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "dispute.dispute",
            "view_mode": "list,form",
            "domain": self._cause_domain(),
            "name": self.env._("Disputes of %(name)s", name=self.name),
        }
