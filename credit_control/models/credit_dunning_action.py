import logging
from datetime import timedelta

from odoo import Command, _, api, fields, models, tools
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount
from odoo.tools.pdf import PdfReadError

from .credit_dunning_stage import CHANNELS
from .res_partner import ACCOUNTING_READERS

_logger = logging.getLogger(__name__)

# What a contact may end with, by channel: a call may go unanswered; an email or a letter
# gets an answer (or nothing, and the next stage follows).
CHANNEL_OUTCOMES = {
    "phone": ["no_issue", "promise", "dispute", "duplicate", "no_answer"],
    "email": ["no_issue", "promise", "dispute", "duplicate"],
    "letter": ["no_issue", "promise", "dispute", "duplicate"],
}
# Previous contacts the call form shows.
HISTORY_LIMIT = 10
OUTCOMES = [
    ("sent", "Sent"),
    ("no_issue", "No Issue"),
    ("promise", "Promise to Pay"),
    ("dispute", "Dispute"),
    ("duplicate", "Duplicate Invoice Sent"),
    ("no_answer", "No Answer"),
]
# Days before a call without answer is tried again.
RETRY_DAYS = 2
# Customers handled per transaction by the dunning run.
RUN_BATCH_SIZE = 5000
# Actions dispatched per transaction: each email template renders them at once.
DISPATCH_BATCH_SIZE = 200
# Actions a call of the scheduled job dispatches at most before it tells what remains.
CRON_DISPATCH_LIMIT = 2000
# Days during which a reminder the mail server did not take is queued again.
MAIL_RETRY_DAYS = 7
# The statistics of the tables a dunning run fills and joins at each batch, refreshed when
# they count no row over pages the table has (analyzed by autovacuum while empty, after a
# rolled-back run or deleted actions):
# PostgreSQL plans such a table as one row whatever it holds since, and a batch's joins then
# take minutes instead of milliseconds. One statement whatever it finds; ANALYZE counts the
# rows this transaction wrote.
ANALYZE_TABLES_PLANNED_EMPTY = SQL(
    """
    DO $analyze$
    DECLARE stale regclass;
    BEGIN
        FOR stale IN SELECT oid FROM pg_class
                      WHERE oid = ANY(ARRAY['credit_dunning_action', 'credit_dunning_action_move_rel',
                                            'credit_dunning_invoice_stage']::regclass[])
                        AND reltuples = 0 AND relpages > 0
        LOOP
            EXECUTE 'ANALYZE ' || stale;
        END LOOP;
    END
    $analyze$
    """
)


class CreditDunningAction(models.Model):
    """One contact with a customer at one stage, covering all its invoices at that stage."""

    _name = "credit.dunning.action"
    _description = "Dunning Action"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _rec_names_search = ["partner_id", "stage_id"]

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    policy_id = fields.Many2one("credit.dunning.policy", required=True, readonly=True, ondelete="restrict")
    stage_id = fields.Many2one("credit.dunning.stage", required=True, index=True, readonly=True, ondelete="restrict")
    channel = fields.Selection(CHANNELS, required=True, readonly=True)
    is_preventive = fields.Boolean(related="stage_id.is_preventive")
    call_script = fields.Html(related="stage_id.call_script")
    date = fields.Date(required=True, index=True, tracking=True)
    user_id = fields.Many2one("res.users", string="Collector", index=True, tracking=True)
    salesperson_id = fields.Many2one("res.users", index=True, readonly=True)
    state = fields.Selection(
        [("planned", "To Do"), ("done", "Done"), ("cancelled", "Cancelled")],
        required=True,
        default="planned",
        index=True,
        readonly=True,
        tracking=True,
    )
    dispatched = fields.Boolean(readonly=True, help="The email, letter or call to-do of this action is done.")
    move_ids = fields.Many2many(
        "account.move",
        "credit_dunning_action_move_rel",
        "action_id",
        "move_id",
        string="Invoices",
        readonly=True,
    )
    invoice_count = fields.Integer(compute="_compute_invoice_count")
    amount_due = fields.Monetary(
        readonly=True,
        help="Residual of the invoices of this action, as of the last dunning run or of the contact.",
    )
    outcome = fields.Selection(OUTCOMES, tracking=True)
    promise_date = fields.Date(tracking=True)
    promise_amount = fields.Monetary(tracking=True)
    note = fields.Text(string="Notes")
    done_date = fields.Datetime(readonly=True)
    done_user_id = fields.Many2one("res.users", string="Done By", readonly=True)
    letter_attachment_id = fields.Many2one("ir.attachment", readonly=True)
    allowed_outcomes = fields.Json(compute="_compute_allowed_outcomes")
    # The collector's call form: whom to call, what the customer owes, what was said before.
    contact_id = fields.Many2one(
        "res.partner",
        compute="_compute_contact_id",
        help="The customer's invoicing contact, else the customer itself.",
    )
    contact_phone = fields.Char(string="Phone", compute="_compute_contact_id")
    contact_mobile = fields.Char(string="Mobile", compute="_compute_contact_id")
    contact_email = fields.Char(string="Email", compute="_compute_contact_id")
    partner_credit_exposure_overdue = fields.Monetary(
        string="Overdue", compute="_compute_partner_credit", groups=ACCOUNTING_READERS
    )
    partner_credit_exposure = fields.Monetary(
        string="Exposure", compute="_compute_partner_credit", groups=ACCOUNTING_READERS
    )
    partner_credit_limit = fields.Monetary(
        string="Limit in Force", compute="_compute_partner_credit", groups=ACCOUNTING_READERS
    )
    history_action_ids = fields.Many2many(
        "credit.dunning.action", string="Previous Contacts", compute="_compute_partner_actions"
    )
    promise_action_ids = fields.Many2many(
        "credit.dunning.action", string="Open Promises", compute="_compute_partner_actions"
    )

    _sql_constraints = [
        (
            "promise_amount_positive",
            "CHECK (promise_amount IS NULL OR promise_amount >= 0)",
            "A promised amount cannot be negative.",
        ),
    ]

    def init(self):
        # One open action per customer and stage: the run merges new invoices into it, and a
        # run that is repeated or resumed cannot create a second one.
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS credit_dunning_action_planned_uniq "
                "ON credit_dunning_action (partner_id, stage_id) WHERE state = 'planned'"
            )
        )

    @api.depends("move_ids")
    def _compute_invoice_count(self):
        for action in self:
            action.invoice_count = len(action.move_ids)

    @api.depends("channel")
    def _compute_allowed_outcomes(self):
        for action in self:
            action.allowed_outcomes = CHANNEL_OUTCOMES.get(action.channel, [])

    @api.depends("partner_id")
    def _compute_contact_id(self):
        for action in self:
            partner = action.partner_id
            invoicing = partner.child_ids.filtered(lambda c: c.type == "invoice" and (c.phone or c.mobile or c.email))
            contact = invoicing[:1] or partner
            action.contact_id = contact
            action.contact_phone = contact.phone
            action.contact_mobile = contact.mobile
            action.contact_email = contact.email

    @api.depends("partner_id", "company_id")
    def _compute_partner_credit(self):
        for action in self:
            partner = action.partner_id.with_company(action.company_id)
            action.partner_credit_exposure_overdue = partner.credit_exposure_overdue
            action.partner_credit_exposure = partner.credit_exposure
            action.partner_credit_limit = partner.credit_limit_effective

    @api.depends("partner_id", "company_id")
    def _compute_partner_actions(self):
        today = fields.Date.context_today(self)
        for action in self:
            same_customer = [
                ("partner_id", "=", action.partner_id.id),
                ("company_id", "=", action.company_id.id),
                ("id", "!=", action._origin.id),
            ]
            action.history_action_ids = self.search(
                [*same_customer, ("state", "=", "done")], order="done_date desc, id desc", limit=HISTORY_LIMIT
            )
            action.promise_action_ids = self.search(
                [
                    *same_customer,
                    ("state", "=", "done"),
                    ("outcome", "=", "promise"),
                    ("promise_date", ">=", today),
                ],
                order="promise_date, id",
            )

    @api.depends("partner_id", "stage_id")
    def _compute_display_name(self):
        for action in self:
            action.display_name = f"{action.stage_id.name} - {action.partner_id.name}"

    def write(self, vals):
        if "user_id" not in vals:
            return super().write(vals)
        before = {action: action.user_id for action in self}
        res = super().write(vals)
        # The call to-do follows its action to the new collector.
        call_type = self.env.ref("mail.mail_activity_data_call")
        for action, previous in before.items():
            if action.user_id and action.user_id != previous:
                action.activity_ids.filtered(
                    lambda act, previous=previous: act.activity_type_id == call_type and act.user_id == previous
                ).user_id = action.user_id
        return res

    def _get_collector(self):
        """The customer's collector in the action's company, else the policy's, else the
        company's default one: the same order as the dunning run's."""
        self.ensure_one()
        return (
            self.partner_id.with_company(self.company_id).sudo().credit_collector_id
            or self.policy_id.sudo().collector_id
            or self.company_id._get_dunning_collector()
        )

    # ------------------------------------------------------------------
    # Dunning run
    # ------------------------------------------------------------------
    @api.model
    def _cron_run_dunning(
        self, batch_size=RUN_BATCH_SIZE, dispatch_batch_size=DISPATCH_BATCH_SIZE, dispatch_limit=None
    ):
        """The daily job. Commits after each batch of customers and each batch of dispatched
        actions: killed halfway, it leaves consistent data and the next run completes the work.
        Run by the scheduler, each call sends ``CRON_DISPATCH_LIMIT`` actions at most and
        tells what remains (``ir.cron._notify_progress``): the scheduler calls it again,
        never one long transaction, and other jobs get their turn in between."""
        if dispatch_limit is None and self.env.context.get("ir_cron_progress_id"):
            dispatch_limit = CRON_DISPATCH_LIMIT
        # Every company, not only those of the cron's user.
        companies = self.env["res.company"].sudo().search([])
        self._requeue_undelivered_mails(companies)
        self._run_dunning(companies, commit=True, batch_size=batch_size)
        done = self._dispatch_actions(commit=True, batch_size=dispatch_batch_size, limit=dispatch_limit)
        remaining = self.search_count([("state", "=", "planned"), ("dispatched", "=", False)])
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done

    @api.model
    def _requeue_undelivered_mails(self, companies):
        """Reminders the mail server could not take (unreachable, refused the connection)
        go back to the mail queue, to go out when it answers again; those with a bad
        address stay failed. Only recent ones: an old reminder is superseded by the next."""
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search(
                [
                    ("model", "=", self._name),
                    ("state", "=", "exception"),
                    ("failure_type", "in", (False, "mail_smtp")),
                    ("create_date", ">=", fields.Datetime.now() - timedelta(days=MAIL_RETRY_DAYS)),
                ]
            )
        )
        actions = self.browse(mails.mapped("res_id")).exists().filtered(lambda a: a.company_id in companies)
        mails = mails.filtered(lambda mail: mail.res_id in actions.ids)
        if mails:
            mails.mark_outgoing()
            _logger.info("dunning: %s undelivered reminders queued again", len(mails))
        return mails

    @api.model
    def action_run_dunning(self):
        """'Run dunning' menu: the same as the daily job, for the current companies."""
        if not self.env.user.has_group("account.group_account_invoice"):
            raise UserError(_("Only accountants run the dunning."))
        # Gated above; the run then writes what the accountant may not write by hand
        # (invoices' stage, finance's to-dos), still in the accountant's name.
        self.sudo()._run_dunning(self.env.companies)
        self.sudo()._dispatch_actions(companies=self.env.companies)
        return {
            "type": "ir.actions.act_window",
            "name": _("Dunning Agenda"),
            "res_model": self._name,
            "view_mode": "list,kanban,calendar,form",
            "domain": [("state", "=", "planned")],
        }

    @api.model
    def _run_dunning(self, companies, today=None, commit=False, batch_size=RUN_BATCH_SIZE):
        """Decide which invoice reaches which stage today and plan the actions.

        Set-based: a constant number of queries per batch of customers. Each batch is one
        transaction, and what it does depends only on the invoices' state, so a run
        stopped halfway completes on the next run without duplicates."""
        today = today or fields.Date.context_today(self)
        self.env.flush_all()
        self._analyze_tables_planned_empty()
        self._release_settled_invoices(companies)
        for company in companies:
            collector = company._get_dunning_collector()
            partner_ids = self._dunning_candidate_partners(company, today)
            for start in range(0, len(partner_ids), batch_size):
                self._plan_batch(company, partner_ids[start : start + batch_size], today, collector)
                if commit:
                    self.env.cr.commit()  # pylint: disable=invalid-commit
        self.env.invalidate_all()

    def _analyze_tables_planned_empty(self):
        self.env.cr.execute(ANALYZE_TABLES_PLANNED_EMPTY)

    def _release_settled_invoices(self, companies):
        """Paid, cancelled and disputed invoices leave the open actions; emptied actions are
        cancelled and the others get their residual amount."""
        cr = self.env.cr
        cr.execute(
            SQL(
                """
            DELETE FROM credit_dunning_action_move_rel r
             USING credit_dunning_action a, account_move m
             WHERE r.action_id = a.id AND r.move_id = m.id
               AND a.state = 'planned' AND a.company_id IN %(companies)s
               AND (m.state != 'posted' OR m.payment_state NOT IN ('not_paid', 'partial')
                    OR COALESCE(m.in_dispute, FALSE))
            """,
                companies=tuple(companies.ids),
            )
        )
        cr.execute(
            SQL(
                """
            UPDATE credit_dunning_action a
               SET state = 'cancelled', amount_due = 0, write_date = NOW() AT TIME ZONE 'UTC'
             WHERE a.state = 'planned' AND a.company_id IN %(companies)s
               AND NOT EXISTS (SELECT 1 FROM credit_dunning_action_move_rel r WHERE r.action_id = a.id)
            """,
                companies=tuple(companies.ids),
            )
        )
        cr.execute(
            SQL(
                """
            UPDATE credit_dunning_action a
               SET amount_due = s.residual
              FROM (SELECT r.action_id, SUM(m.amount_residual_signed) AS residual
                      FROM credit_dunning_action_move_rel r
                      JOIN credit_dunning_action a2 ON a2.id = r.action_id
                      JOIN account_move m ON m.id = r.move_id
                     WHERE a2.state = 'planned' AND a2.company_id IN %(companies)s
                     GROUP BY r.action_id) s
             WHERE a.id = s.action_id AND a.amount_due IS DISTINCT FROM s.residual
            """,
                companies=tuple(companies.ids),
            )
        )

    def _dunning_open_invoices_sql(self, company, today=None, moves=None):
        """Open customer invoices of ``company`` that dunning may handle ``today`` (all of
        them, those waiting for a promised payment included, without ``today``), with their
        customer's policy (its own, else the company default); only ``moves`` if given.
        ``not_before``: the next stage comes after the promised payment date and after the
        day the last stage was reached (one stage a day at most)."""
        on_hold = SQL("AND (m.dunning_hold_until IS NULL OR m.dunning_hold_until < %s)", today) if today else SQL()
        if moves is not None:
            on_hold = SQL("%s AND m.id IN %s", on_hold, tuple(moves.ids) or (0,))
        return SQL(
            """
            SELECT m.id AS move_id, m.commercial_partner_id AS partner_id, m.invoice_date_due,
                   COALESCE(pol.id, dp.id) AS policy_id, cur.offset_days AS current_offset,
                   p.user_id AS salesperson_id, m.dunning_hold_until, m.amount_residual,
                   m.amount_residual_signed, m.currency_id,
                   GREATEST(m.dunning_hold_until + 1, ds.stage_date + 1) AS not_before
              FROM account_move m
              JOIN res_partner p ON p.id = m.commercial_partner_id
              LEFT JOIN credit_dunning_policy pol
                     ON pol.id = (p.credit_dunning_policy_id ->> %(company)s::text)::int AND pol.active
              LEFT JOIN credit_dunning_policy dp
                     ON dp.company_id = %(company)s AND dp.is_default AND dp.active
              LEFT JOIN credit_dunning_invoice_stage ds ON ds.move_id = m.id
              LEFT JOIN credit_dunning_stage cur ON cur.id = ds.stage_id
             WHERE m.company_id = %(company)s
               AND m.move_type = 'out_invoice' AND m.state = 'posted'
               AND m.payment_state IN ('not_paid', 'partial') AND m.amount_residual > 0
               AND NOT COALESCE(m.in_dispute, FALSE)
               AND m.invoice_date_due IS NOT NULL
               %(on_hold)s
            """,
            company=company.id,
            on_hold=on_hold,
        )

    def _dunning_targets_sql(self, company, today, partner_ids=None):
        """For each invoice due for its next stage today: that stage, the first of its policy
        after the one it last reached, never a later one (no reminder is skipped)."""
        partner_filter = SQL("AND inv.partner_id IN %s", tuple(partner_ids)) if partner_ids else SQL()
        return SQL(
            """
            SELECT DISTINCT ON (inv.move_id) inv.move_id, inv.partner_id, inv.salesperson_id,
                   s.id AS stage_id, s.policy_id, s.channel
              FROM (%(invoices)s) inv
              JOIN credit_dunning_stage s ON s.policy_id = inv.policy_id
             WHERE GREATEST(inv.invoice_date_due + s.offset_days, inv.not_before) <= %(today)s
               AND (inv.current_offset IS NULL OR s.offset_days > inv.current_offset)
               %(partner_filter)s
             ORDER BY inv.move_id, s.offset_days
            """,
            invoices=self._dunning_open_invoices_sql(company, today),
            today=today,
            partner_filter=partner_filter,
        )

    def _dunning_candidate_partners(self, company, today):
        self.env.cr.execute(
            SQL(
                "SELECT DISTINCT t.partner_id FROM (%s) t ORDER BY t.partner_id",
                self._dunning_targets_sql(company, today),
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _plan_batch(self, company, partner_ids, today, collector):
        cr = self.env.cr
        cr.execute(SQL("DROP TABLE IF EXISTS credit_dunning_target"))
        cr.execute(
            SQL(
                "CREATE TEMPORARY TABLE credit_dunning_target ON COMMIT DROP AS %s",
                self._dunning_targets_sql(company, today, partner_ids),
            )
        )
        # Autovacuum never analyzes a temporary table: without statistics, the joins on it
        # are planned for a handful of rows.
        cr.execute(SQL("ANALYZE credit_dunning_target"))
        uid = self.env.uid
        # One open action per customer and stage; an existing one receives the new invoices.
        cr.execute(
            SQL(
                """
            INSERT INTO credit_dunning_action
                   (partner_id, company_id, policy_id, stage_id, channel, date, user_id, salesperson_id,
                    state, dispatched, amount_due, create_uid, create_date, write_uid, write_date)
            SELECT t.partner_id, %(company)s, t.policy_id, t.stage_id, t.channel, %(today)s,
                   COALESCE((SELECT (p.credit_collector_id ->> %(company)s::text)::int
                               FROM res_partner p WHERE p.id = t.partner_id),
                            pol.collector_id, %(collector)s),
                   MAX(t.salesperson_id), 'planned', FALSE, 0,
                   %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM credit_dunning_target t
              JOIN credit_dunning_policy pol ON pol.id = t.policy_id
             GROUP BY t.partner_id, t.policy_id, t.stage_id, t.channel, pol.collector_id
            ON CONFLICT (partner_id, stage_id) WHERE state = 'planned' DO NOTHING
            """,
                company=company.id,
                today=today,
                collector=collector.id or None,
                uid=uid,
            )
        )
        self._analyze_tables_planned_empty()  # the actions just written are joined below
        # An invoice moving to a further stage leaves the open action of its former stage.
        cr.execute(
            SQL(
                """
            DELETE FROM credit_dunning_action_move_rel r
             USING credit_dunning_target t, credit_dunning_action a
             WHERE r.move_id = t.move_id AND a.id = r.action_id
               AND a.state = 'planned' AND a.stage_id != t.stage_id
            """
            )
        )
        cr.execute(
            SQL(
                """
            INSERT INTO credit_dunning_action_move_rel (action_id, move_id)
            SELECT a.id, t.move_id
              FROM credit_dunning_target t
              JOIN credit_dunning_action a
                ON a.partner_id = t.partner_id AND a.stage_id = t.stage_id AND a.state = 'planned'
            ON CONFLICT DO NOTHING
            """
            )
        )
        self._analyze_tables_planned_empty()
        # The invoices' stages live in a table of their own: the invoices are neither
        # rewritten nor locked (payments go on while the run works).
        cr.execute(
            SQL(
                """
            INSERT INTO credit_dunning_invoice_stage (move_id, stage_id, stage_date)
            SELECT t.move_id, t.stage_id, %(today)s FROM credit_dunning_target t
            ON CONFLICT (move_id) DO UPDATE SET stage_id = EXCLUDED.stage_id, stage_date = EXCLUDED.stage_date
            """,
                today=today,
            )
        )
        # Residuals of the touched actions; actions emptied by the move above are cancelled.
        cr.execute(
            SQL(
                """
            UPDATE credit_dunning_action a
               SET amount_due = COALESCE(s.residual, 0),
                   state = CASE WHEN s.residual IS NULL THEN 'cancelled' ELSE a.state END,
                   write_date = NOW() AT TIME ZONE 'UTC'
              FROM (SELECT a2.id, SUM(m.amount_residual_signed) AS residual
                      FROM credit_dunning_action a2
                      LEFT JOIN credit_dunning_action_move_rel r ON r.action_id = a2.id
                      LEFT JOIN account_move m ON m.id = r.move_id
                     WHERE a2.state = 'planned' AND a2.company_id = %(company)s
                       AND a2.partner_id IN (SELECT DISTINCT partner_id FROM credit_dunning_target)
                     GROUP BY a2.id) s
             WHERE a.id = s.id
            """,
                company=company.id,
            )
        )

    # ------------------------------------------------------------------
    # Dispatch: emails, letters, call to-dos and the stages' effects
    # ------------------------------------------------------------------
    @api.model
    def _dispatch_actions(self, companies=None, limit=None, commit=False, batch_size=DISPATCH_BATCH_SIZE):
        """Send what the planned actions call for, a batch at a time: each batch is one
        transaction when ``commit``, so that a job killed halfway resumes where it stopped."""
        domain = [("state", "=", "planned"), ("dispatched", "=", False)]
        if companies:
            domain.append(("company_id", "in", companies.ids))
        action_ids = self.search(domain, order="id", limit=limit).ids
        done = 0
        for start in range(0, len(action_ids), batch_size):
            done += len(self.browse(action_ids[start : start + batch_size])._dispatch())
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return done

    def _dispatch(self):
        """Send the emails and the letters, give the collectors the calls to do, with a
        constant number of queries for the whole set: each email template renders all its
        actions at once, the letters are one report call, the to-dos one create. The state
        change and the queued emails are in the same transaction: never sent twice."""
        actions = self._lock_for_dispatch()
        if not actions:
            return actions
        actions.fetch(["partner_id", "company_id", "stage_id", "channel", "date", "user_id", "salesperson_id"])
        actions = actions.with_context(credit_dunning_dispatch=True)
        activities = []
        for channel in ("email", "letter", "phone"):
            of_channel = actions.filtered(lambda action, channel=channel: action.channel == channel)
            if of_channel:
                activities += getattr(of_channel, f"_dispatch_{channel}")() or []
        activities += actions._apply_stage_effects()
        # The to-dos of a run are in the agenda and the activities menu: no email to each
        # collector for each of them.
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(activities)
        actions.write({"dispatched": True})
        return actions

    def _lock_for_dispatch(self):
        """Two runs at the same time (the daily job and the menu) never send twice: the
        second skips the actions the first is sending, and finds them dispatched afterwards."""
        self.flush_recordset(["state", "dispatched"])
        rows = self.env.execute_query(
            SQL(
                "SELECT id FROM credit_dunning_action WHERE id = ANY(%s) AND state = 'planned' AND NOT dispatched "
                "ORDER BY id FOR UPDATE SKIP LOCKED",
                self.ids,
            )
        )
        return self.browse([action_id for (action_id,) in rows])

    def _dispatch_email(self):
        for template, actions in self.grouped(lambda action: action.stage_id.mail_template_id).items():
            template.send_mail_batch(actions.ids, force_send=False)
        self._mark_done("sent")

    def _dispatch_letter(self):
        documents = self._render_letters()
        attachments = self.env["ir.attachment"].create(
            [
                {
                    "name": f"{action.stage_id.name} - {action.partner_id.name}.{'pdf' if kind == 'pdf' else 'html'}",
                    "raw": content,
                    "res_model": self._name,
                    "res_id": action.id,
                }
                for action, (content, kind) in zip(self, documents, strict=True)
            ]
        )
        self.env.execute_query(
            SQL(
                """
                UPDATE credit_dunning_action a SET letter_attachment_id = l.attachment_id
                  FROM unnest(%s::int[], %s::int[]) AS l(action_id, attachment_id)
                 WHERE a.id = l.action_id
                """,
                self.ids,
                attachments.ids,
            )
        )
        self.invalidate_recordset(["letter_attachment_id"])
        self._log_letters(attachments)
        self._mark_done("sent")

    def _log_letters(self, attachments):
        """One note per action with its letter, created together (``message_post`` one
        action at a time would cost a dozen queries each)."""
        author_id, email_from = self._message_compute_author(raise_on_email=False)
        note = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
        self.env["mail.message"].sudo().create(
            [
                {
                    "model": self._name,
                    "res_id": action.id,
                    "body": _("Letter to print and send: %(stage)s.", stage=action.stage_id.name),
                    "message_type": "notification",
                    "subtype_id": note,
                    "is_internal": True,
                    "author_id": author_id,
                    "email_from": email_from,
                    "attachment_ids": [Command.link(attachment.id)],
                }
                for action, attachment in zip(self, attachments, strict=True)
            ]
        )

    def _render_letter(self):
        return self._render_document("credit_control.action_report_credit_dunning_letter", self.ids)

    def _render_letters(self):
        """[(content, type)] of the letters of these actions, in their order: one report
        call, its PDF split per action; an action whose letter could not be told apart in
        it is rendered on its own."""
        report = self.env.ref("credit_control.action_report_credit_dunning_letter")
        if len(self) == 1 or not self._renders_pdf(report):
            return [action._render_letter() for action in self]
        try:
            streams = report._render_qweb_pdf_prepare_streams(report.report_name, {}, res_ids=self.ids)
        except (UserError, PdfReadError) as error:
            # wkhtmltopdf failed on the batch: each letter on its own, as before.
            _logger.warning("dunning letters: one PDF per action, the batch failed (%s)", error)
            return [action._render_letter() for action in self]
        documents = []
        for action in self:
            stream = streams.get(action.id, {}).get("stream")
            documents.append((stream.getvalue(), "pdf") if stream else action._render_letter())
        for value in streams.values():
            if value.get("stream"):
                value["stream"].close()
        return documents

    @api.model
    def _renders_pdf(self, report):
        """As ``_render_qweb_pdf`` decides: PDFs, except without wkhtmltopdf and in tests."""
        if (tools.config["test_enable"] or tools.config["test_file"]) and not self.env.context.get(
            "force_report_rendering"
        ):
            return False
        return report.get_wkhtmltopdf_state() not in ("install", "broken")

    @api.model
    def _render_document(self, report_xmlid, res_ids):
        """A PDF; HTML to print when the server cannot make PDFs (wkhtmltopdf missing), so
        that the run never stops on it."""
        report = self.env.ref(report_xmlid)
        if report.get_wkhtmltopdf_state() in ("install", "broken"):
            _logger.info("wkhtmltopdf is missing: dunning documents are kept as HTML.")
            return report._render_qweb_html(report.report_name, res_ids)
        return report._render_qweb_pdf(report.report_name, res_ids)

    def _activity_values(self, records, activity_xmlid, summaries, user_ids, *, note=False, deadline=None):
        """Values of to-dos on `records`, one each, for one ``mail.activity`` create."""
        activity_type = self.env.ref(activity_xmlid)
        model_id = self.env["ir.model"]._get_id(records._name)
        return [
            {
                "activity_type_id": activity_type.id,
                "summary": summary,
                "automated": True,
                "note": note or activity_type.default_note,
                "date_deadline": deadline or fields.Date.context_today(self),
                "res_model_id": model_id,
                "res_id": record.id,
                "user_id": user_id,
            }
            for record, summary, user_id in zip(records, summaries, user_ids, strict=True)
        ]

    def _dispatch_phone(self):
        values = []
        for action in self:
            values += self._activity_values(
                action,
                "mail.mail_activity_data_call",
                [_("Call %(customer)s: %(stage)s", customer=action.partner_id.name, stage=action.stage_id.name)],
                [(action.user_id or self.env.user).id],
                note=action.stage_id.call_script,
                deadline=action.date,
            )
        return values

    def _apply_stage_effects(self):
        """The to-dos the actions' stages call for, as ``mail.activity`` values."""
        values = []
        to_salesperson = self.filtered(lambda action: action.stage_id.notify_salesperson and action.salesperson_id)
        values += self._activity_values(
            to_salesperson,
            "mail.mail_activity_data_todo",
            [
                # self.env._: a comprehension has no ``self`` for _() to find the language in
                self.env._(
                    "Collection of %(customer)s: %(stage)s", customer=action.partner_id.name, stage=action.stage_id.name
                )
                for action in to_salesperson
            ],
            [action.salesperson_id.id for action in to_salesperson],
        )
        litigation = self.filtered(lambda action: action.stage_id.is_litigation)
        values += self._activity_values(
            litigation,
            "mail.mail_activity_data_todo",
            [
                self.env._("Hand the claim on %(customer)s over to litigation", customer=action.partner_id.name)
                for action in litigation
            ],
            [action.company_id._get_credit_controller().id or self.env.uid for action in litigation],
        )
        values += self.filtered(lambda action: action.stage_id.propose_cash_in_advance)._propose_cash_in_advance()
        return values

    def _propose_cash_in_advance(self):
        """A repeat late payer: finance decides with the credit decision wizard, from a to-do
        on the customer, never by a silent change of its terms. Escalations are counted for
        all the actions' customers at once."""
        if not self:
            return []
        escalations = dict(
            ((partner.id, company.id), count)
            for partner, company, count in self._read_group(
                [
                    ("partner_id", "in", self.partner_id.ids),
                    ("company_id", "in", self.company_id.ids),
                    ("stage_id.propose_cash_in_advance", "=", True),
                    ("state", "!=", "cancelled"),
                    ("date", ">", fields.Date.context_today(self) - timedelta(days=365)),
                ],
                ["partner_id", "company_id"],
                ["__count"],
            )
        )
        values, proposed = [], set()
        for action in self:
            partner = action.partner_id.with_company(action.company_id)
            key = (partner.id, action.company_id.id)
            count = escalations.get(key, 0)
            if key in proposed or partner.credit_cash_in_advance or count < action.company_id.dunning_repeat_late_count:
                continue
            proposed.add(key)  # one proposal per customer, however many of its actions escalate
            values += self._cash_in_advance_todo(
                partner,
                action.company_id,
                _(
                    "Dunning reached the stage %(stage)s for %(amount)s, its escalation number %(count)s within a "
                    "year. Decide with the Credit Decision button.",
                    stage=action.stage_id.name,
                    count=count,
                    amount=action._format_amount(action.amount_due),
                ),
            )
        return values

    @api.model
    def _cash_in_advance_todo(self, partner, company, note):
        """Finance's to-do proposing cash in advance for ``partner`` (dunning's escalations, the
        payment grade E), as ``mail.activity`` values."""
        return self._activity_values(
            partner,
            "credit_control.mail_activity_dunning_cash_in_advance",
            [_("Put %(customer)s on cash in advance?", customer=partner.name)],
            [company._get_credit_controller().id or self.env.uid],
            note=note,
        )

    def _format_amount(self, amount):
        return format_amount(self.env, amount, self.currency_id)

    def _mark_done(self, outcome):
        # Sending: the chatter shows the email or the letter; no tracking message besides.
        self.with_context(mail_notrack=self.env.context.get("credit_dunning_dispatch", False)).write(
            {
                "state": "done",
                "outcome": outcome,
                "done_date": fields.Datetime.now(),
                "done_user_id": self.env.uid,
            }
        )

    # ------------------------------------------------------------------
    # Outcomes recorded by the collector
    # ------------------------------------------------------------------
    def action_record_outcome(self):
        for action in self:
            action._check_outcome()
            getattr(action, f"_outcome_{action.outcome}")()
            action.activity_ids.action_feedback(
                feedback=dict(action._fields["outcome"]._description_selection(self.env))[action.outcome]
            )
            action._mark_done(action.outcome)
        return True

    def _check_outcome(self):
        self.ensure_one()
        if self.state != "planned":
            raise UserError(_("This action is already done: record a new contact on the next action."))
        if not self.outcome or self.outcome == "sent":
            raise UserError(_("Choose the outcome of the contact before recording it."))
        if self.outcome not in self.allowed_outcomes:
            channel = dict(self._fields["channel"]._description_selection(self.env))[self.channel]
            outcome = dict(self._fields["outcome"]._description_selection(self.env))[self.outcome]
            raise UserError(
                _(
                    "The outcome %(outcome)s does not apply to a contact by %(channel)s: choose another one.",
                    outcome=outcome,
                    channel=channel,
                )
            )
        if self.outcome == "promise":
            if not self.promise_date:
                raise UserError(_("Set the date the customer promised to pay."))
            if self.promise_date < fields.Date.context_today(self):
                raise UserError(_("The promised payment date is in the past: set a date from today on."))
            if self.promise_amount <= 0:
                raise UserError(_("Set the amount the customer promised to pay."))

    def _outcome_no_issue(self):
        return True

    def _outcome_promise(self):
        # The next stage waits for the promised date; unpaid after it, dunning goes on.
        self.move_ids.sudo().write({"dunning_hold_until": self.promise_date})

    def _outcome_dispute(self):
        self.move_ids._dunning_open_dispute(self)

    def _outcome_no_answer(self):
        # Done first, and written, so that the retry may be the open action of its stage.
        self._mark_done("no_answer")
        self.flush_recordset()
        retry = self.copy(
            {
                "date": fields.Date.context_today(self) + timedelta(days=RETRY_DAYS),
                "move_ids": self.move_ids.ids,
                "state": "planned",
                "outcome": False,
                "dispatched": False,
                "amount_due": self.amount_due,
                "partner_id": self.partner_id.id,
                "company_id": self.company_id.id,
                "policy_id": self.policy_id.id,
                "stage_id": self.stage_id.id,
                "channel": self.channel,
                "salesperson_id": self.salesperson_id.id,
            }
        )
        retry._dispatch()

    def _outcome_duplicate(self):
        template = self.env.ref("credit_control.mail_template_dunning_duplicate")
        attachments = self.env["ir.attachment"]
        for move in self.move_ids:
            content, _type = self._render_document("account.account_invoices", move.ids)
            attachments |= self.env["ir.attachment"].create(
                {
                    "name": f"{move.name}.{'pdf' if _type == 'pdf' else 'html'}",
                    "raw": content,
                    "res_model": "account.move",
                    "res_id": move.id,
                }
            )
        template.send_mail(
            self.id, force_send=False, email_values={"attachment_ids": [(4, a) for a in attachments.ids]}
        )

    def action_next_call(self):
        """The collector's next call of the day, in the order of the collector's worklist
        (the most expected cash first), straight from this one."""
        self.ensure_one()
        next_call = self._get_next_call()
        if not next_call:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "success",
                    "message": _("No more calls today."),
                },
            }
        return {
            "type": "ir.actions.act_window",
            "name": next_call.display_name,
            "res_model": self._name,
            "res_id": next_call.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def _get_next_call(self):
        """Planned calls of the same collector (of the current user, on an action without
        one) due today or before, after this one in the worklist's ranking: the customer's
        expected cash impact, then the agenda's due order (late calls first)."""
        self.ensure_one()
        collector = self.user_id or self.env.user
        calls = self.search(
            [
                ("state", "=", "planned"),
                ("channel", "=", "phone"),
                ("user_id", "in", [collector.id, *(() if self.user_id else (False,))]),
                ("date", "<=", fields.Date.context_today(self)),
                ("id", "!=", self.id),
                ("company_id", "in", self.env.companies.ids),
            ],
            order="date, id",
        )
        scores = self.env["credit.collector.worklist"].sudo()._get_scores(calls.partner_id | self.partner_id)

        def rank(call):
            return (-scores.get((call.partner_id.id, call.company_id.id), 0.0), call.date, call.id)

        later = calls.filtered(lambda call: rank(call) > rank(self)).sorted(rank)
        return (later or calls.sorted(rank))[:1]

    def action_open_invoices(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Invoices"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", self.move_ids.ids)],
        }
