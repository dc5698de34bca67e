from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

# Salespeople whose settlements the monthly job makes per transaction.
SETTLEMENT_BATCH_SIZE = 200


class CommissionSettlement(models.Model):
    _name = "commission.settlement"
    _description = "Commission Settlement"
    _order = "date_from desc, user_id"

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one("res.users", string="Salesperson", required=True, index=True)
    date_from = fields.Date(required=True, default=lambda self: fields.Date.context_today(self).replace(day=1))
    date_to = fields.Date(
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1) + relativedelta(months=1, days=-1),
    )
    state = fields.Selection(
        [("draft", "Draft"), ("validated", "Validated"), ("paid", "Paid")], default="draft", required=True
    )
    line_ids = fields.One2many("commission.line", "settlement_id", string="Commission Lines")
    amount_total = fields.Monetary(compute="_compute_amount_total", store=True, currency_field="currency_id")

    @api.depends("user_id", "date_from", "date_to")
    def _compute_name(self):
        for settlement in self:
            settlement.name = (
                f"{settlement.user_id.name or ''} {settlement.date_from or ''} - {settlement.date_to or ''}"
            )

    @api.depends("line_ids.amount")
    def _compute_amount_total(self):
        """Summed by the database for the saved settlements, one query whatever their
        lines (the ORM would read the lines by thousands); in a form, from its lines."""
        saved = self.filtered("id")
        totals = {}
        if saved:
            groups = (
                self.env["commission.line"]
                .sudo()
                ._read_group([("settlement_id", "in", saved.ids)], ["settlement_id"], ["amount:sum"])
            )
            totals = {settlement.id: amount for settlement, amount in groups}
        for settlement in self:
            if settlement.id:
                settlement.amount_total = totals.get(settlement.id, 0.0)
            else:
                settlement.amount_total = sum(settlement.line_ids.mapped("amount"))

    @api.constrains("date_from", "date_to", "user_id", "company_id")
    def _check_overlap(self):
        """Checked for all the settlements at once: one query reads the others of their
        salespeople over the whole span."""
        if any(settlement.date_from > settlement.date_to for settlement in self):
            raise ValidationError(self.env._("The settlement period ends before it starts."))
        others = self.search_fetch(
            [
                ("user_id", "in", self.user_id.ids),
                ("company_id", "in", self.company_id.ids),
                ("date_from", "<=", max(self.mapped("date_to"))),
                ("date_to", ">=", min(self.mapped("date_from"))),
            ],
            ["user_id", "company_id", "date_from", "date_to"],
        )
        by_salesperson = others.grouped(lambda other: (other.user_id, other.company_id))
        for settlement in self:
            for other in by_salesperson.get((settlement.user_id, settlement.company_id), []):
                if (
                    other != settlement
                    and other.date_from <= settlement.date_to
                    and other.date_to >= settlement.date_from
                ):
                    raise ValidationError(
                        self.env._("%(user)s already has a settlement for this period.", user=settlement.user_id.name)
                    )

    @api.model_create_multi
    def create(self, vals_list):
        self._lock_salespeople(
            self.env["res.users"].browse({vals["user_id"] for vals in vals_list if vals.get("user_id")})
        )
        return super().create(vals_list)

    def _lock_salespeople(self, users):
        """The overlap check reads the salesperson's other settlements: two transactions
        making one for the same salesperson (two generations, or a generation and a
        manual settlement) must not both pass it. The second one waits for the first
        one, then fails with a serialization error, which the server retries: the retry
        sees the first one's settlement."""
        if users:
            self.env["commission.line"]._lock_salespeople(set(users.ids))

    def write(self, vals):
        if {"user_id", "company_id", "date_from", "date_to"} & set(vals):
            self._lock_salespeople(self.user_id | self.env["res.users"].browse(vals.get("user_id")))
        if set(vals) - {"state", "amount_total"} and self.filtered(lambda s: s.state != "draft"):
            raise UserError(
                self.env._("A validated settlement cannot be edited: set it back to draft first, if still unpaid.")
            )
        return super().write(vals)

    def unlink(self):
        if self.filtered(lambda s: s.state != "draft"):
            raise UserError(self.env._("Only draft settlements can be deleted."))
        return super().unlink()

    def action_compute(self):
        """Attach the unsettled lines of the salespeople's periods; re-running adds only new
        ones. One UPDATE for all the settlements, whatever their number and lines."""
        if self.filtered(lambda s: s.state != "draft"):
            raise UserError(self.env._("Only draft settlements can be recomputed."))
        if not self:
            return True
        self.check_access("write")
        self.flush_recordset(["user_id", "company_id", "date_from", "date_to"])
        self.env["commission.line"].flush_model(["user_id", "company_id", "date", "settlement_id"])
        # Lines come from collected cash only: nobody writes them by hand, a settlement
        # only gathers them (hence no ORM write, which would check their rules).
        rows = self.env.execute_query(
            SQL(
                """
                UPDATE commission_line line
                   SET settlement_id = settlement.id, write_uid = %(uid)s, write_date = NOW() AT TIME ZONE 'UTC'
                  FROM commission_settlement settlement
                 WHERE settlement.id = ANY(%(ids)s)
                   AND line.user_id = settlement.user_id AND line.company_id = settlement.company_id
                   AND line.date BETWEEN settlement.date_from AND settlement.date_to
                   AND line.settlement_id IS NULL
             RETURNING line.id
                """,
                uid=self.env.uid,
                ids=self.ids,
            )
        )
        lines = self.env["commission.line"].browse([line_id for (line_id,) in rows])
        lines.invalidate_recordset(["settlement_id", "write_uid", "write_date"])
        self.invalidate_recordset(["line_ids"])
        self.env.add_to_compute(self._fields["amount_total"], self)
        return True

    def action_validate(self):
        if self.filtered(lambda s: s.state != "draft"):
            raise UserError(self.env._("This settlement is already validated: its period is locked."))
        self.action_compute()
        self.state = "validated"
        return True

    def action_mark_paid(self):
        if self.filtered(lambda s: s.state != "validated"):
            raise UserError(self.env._("Only validated settlements can be marked as paid."))
        self.state = "paid"
        return True

    def action_reset_draft(self):
        if self.filtered(lambda s: s.state == "paid"):
            raise UserError(self.env._("A paid settlement cannot go back to draft."))
        self.state = "draft"
        return True

    @api.model
    def _generate_for_period(self, date_from, date_to, salespeople=None):
        """One settlement per salesperson with lines in the period (only the (company id,
        user id) pairs of ``salespeople`` if given), all in the caller's transaction:
        interrupted, it leaves none; run again, it makes only the missing ones and adds
        only new lines."""
        wanted = set(salespeople) if salespeople is not None else None
        groups = [
            (company, user)
            for company, user in self._pending_salespeople(date_from, date_to)
            if wanted is None or (company.id, user.id) in wanted
        ]
        domain = [("date_from", "=", date_from), ("date_to", "=", date_to)]
        if wanted is not None:
            domain.append(("user_id", "in", list({user_id for _company_id, user_id in wanted})))
        existing = self.search(domain)
        if wanted is not None:
            existing = existing.filtered(lambda s: (s.company_id.id, s.user_id.id) in wanted)
        known = {(s.company_id.id, s.user_id.id): s for s in existing}
        to_create = [
            {"company_id": company.id, "user_id": user.id, "date_from": date_from, "date_to": date_to}
            for company, user in groups
            if (company.id, user.id) not in known
        ]
        settlements = existing.filtered(lambda s: s.state == "draft") | self.create(to_create)
        settlements.action_compute()
        return settlements

    @api.model
    def _pending_salespeople(self, date_from, date_to):
        """[(company, salesperson)] with unsettled lines in the period and no validated
        settlement of it, in a stable order."""
        groups = self.env["commission.line"]._read_group(
            [("date", ">=", date_from), ("date", "<=", date_to), ("settlement_id", "=", False)],
            ["company_id", "user_id"],
            order="company_id, user_id",
        )
        locked = {
            (s.company_id, s.user_id)
            for s in self.search_fetch(
                [("date_from", "=", date_from), ("date_to", "=", date_to), ("state", "!=", "draft")],
                ["company_id", "user_id"],
            )
        }
        return [group for group in groups if group not in locked]

    @api.model
    def _last_month(self):
        start = fields.Date.context_today(self).replace(day=1) - relativedelta(months=1)
        return start, start + relativedelta(months=1, days=-1)

    @api.model
    def _cron_generate_settlements(self, batch_size=SETTLEMENT_BATCH_SIZE):
        """The monthly job: last month's draft settlements, a batch of salespeople per
        transaction. Run by the scheduler, each call makes one batch and tells what remains
        (``ir.cron._notify_progress``), and the scheduler calls it again; called directly,
        it makes every batch, committing each. Stopped halfway, the next run goes on with
        the salespeople left, without duplicates."""
        date_from, date_to = self._last_month()
        pending = [(company.id, user.id) for company, user in self._pending_salespeople(date_from, date_to)]
        in_scheduler = bool(self.env.context.get("ir_cron_progress_id"))
        done = 0
        for start in range(0, len(pending), batch_size):
            batch = pending[start : start + batch_size]
            self._generate_for_period(date_from, date_to, batch)
            self.env.cr.commit()  # pylint: disable=invalid-commit
            done += len(batch)
            if in_scheduler:
                break
        self.env["ir.cron"]._notify_progress(done=done, remaining=len(pending) - done)
        return done
