from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, date_utils

# The columns _insert_lines fills, besides the log columns.
INSERTED_COLUMNS = (
    "company_id",
    "user_id",
    "plan_id",
    "move_id",
    "partner_id",
    "partial_id",
    "origin_line_id",
    "date",
    "collection_date",
    "kind",
    "collected",
    "rate",
    "amount",
)


class CommissionLine(models.Model):
    _name = "commission.line"
    _description = "Commission Line"
    _order = "date desc, id desc"

    company_id = fields.Many2one("res.company", required=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one("res.users", string="Salesperson", required=True, index=True)
    plan_id = fields.Many2one("commission.plan", ondelete="restrict")
    # Lines are the audit trail of what was earned and paid: nothing deletes them.
    move_id = fields.Many2one("account.move", string="Invoice", required=True, index=True, ondelete="restrict")
    partner_id = fields.Many2one("res.partner", string="Customer", index=True)
    partial_id = fields.Many2one("account.partial.reconcile", index="btree_not_null", ondelete="set null")
    origin_line_id = fields.Many2one(
        "commission.line", string="Clawback of", index="btree_not_null", ondelete="restrict"
    )
    date = fields.Date(
        required=True,
        index=True,
        help="Period the line is settled in: the payment date (for a clawback, the date of the line it reverses), "
        "moved to the day after the period of a validated settlement it falls in.",
    )
    collection_date = fields.Date(
        index=True,
        help="Date of the cash collected, whose tier period counts the line: the payment date (for a clawback, "
        "the one of the line it reverses), never moved.",
    )
    kind = fields.Selection([("earned", "Earned"), ("clawback", "Clawback")], required=True, default="earned")
    collected = fields.Monetary(string="Collected (untaxed)", currency_field="currency_id")
    rate = fields.Float(string="Rate (%)", digits=(16, 2))
    amount = fields.Monetary(string="Commission", currency_field="currency_id")
    settlement_id = fields.Many2one("commission.settlement", index="btree_not_null", ondelete="set null")

    _sql_constraints = [
        (
            "partial_user_kind_unique",
            "UNIQUE(partial_id, user_id, kind)",
            "A reconciliation earns once for each salesperson.",
        ),
        ("origin_unique", "UNIQUE(origin_line_id)", "A commission line is clawed back once."),
    ]

    @api.model
    def _first_open_date(self, user_id, company_id, date, locked):
        """Corrections that fall in a validated period go to the day after it."""
        for date_from, date_to in locked.get((company_id, user_id), []):
            if date_from <= date <= date_to:
                date = date_to + relativedelta(days=1)
        return date

    @api.model
    def _locked_periods(self, users):
        groups = (
            self.env["commission.settlement"]
            .sudo()
            ._read_group(
                [("user_id", "in", users.ids), ("state", "!=", "draft")],
                ["company_id", "user_id", "date_from:day", "date_to:day"],
            )
        )
        locked = {}
        for company, user, date_from, date_to in groups:
            locked.setdefault((company.id, user.id), []).append(
                (fields.Date.to_date(date_from), fields.Date.to_date(date_to))
            )
        for periods in locked.values():
            periods.sort()
        return locked

    @api.model
    def _shift_into_open_periods(self, vals_list, locked=None):
        if locked is None:
            locked = self._locked_periods(self.env["res.users"].browse({vals["user_id"] for vals in vals_list}))
        for vals in vals_list:
            date = fields.Date.to_date(vals["date"])
            vals["date"] = self._first_open_date(vals["user_id"], vals["company_id"], date, locked)
        return vals_list

    @api.model_create_multi
    def create(self, vals_list):
        return super().create(self._shift_into_open_periods(vals_list))

    @api.model
    def _insert_lines(self, vals_list, locked=None):
        """Create lines with one INSERT: reconciling a bank statement or importing payments
        can make tens of thousands at once, far too slow for the ORM's create. The lines
        have no computed stored field nor inverse to maintain. `locked`: the validated
        periods of the salespeople (``_locked_periods``) when already read."""
        if not vals_list:
            return self.browse()
        self._shift_into_open_periods(vals_list, locked)
        columns = [(name, self._fields[name].column_type[1]) for name in INSERTED_COLUMNS]
        # No flush: the INSERT reads nothing, and the rows it refers to are in the database
        # (the ORM inserts records when it creates them). A line already there (the same
        # reconciliation earning, the same line clawed back, by a concurrent transaction)
        # is not inserted again: under repeatable read, PostgreSQL raises a serialization
        # failure instead, and the server retries the whole transaction.
        rows = self.env.execute_query(
            SQL(
                """
                INSERT INTO commission_line (%(columns)s, create_uid, write_uid, create_date, write_date)
                SELECT *, %(uid)s, %(uid)s, NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC'
                  FROM unnest(%(arrays)s)
                    ON CONFLICT DO NOTHING
                RETURNING id
                """,
                columns=SQL(", ").join(SQL.identifier(name) for name, _type in columns),
                uid=self.env.uid,
                arrays=SQL(", ").join(
                    SQL("%s::%s[]", [vals.get(name) for vals in vals_list], SQL(column_type))
                    for name, column_type in columns
                ),
            )
        )
        return self.browse([line_id for (line_id,) in rows])

    @api.model
    def _collected_by_tier_period(self, plans, dates):
        """{(company_id, user_id, start of the tier period): collected so far} for the
        salespeople whose plan has tiers, in one query."""
        collected = defaultdict(float)
        tiered = {key: plan for key, plan in plans.items() if plan.tier_ids}
        if not tiered or not dates:
            return collected
        first, last = min(dates), max(dates)
        self.flush_model(["company_id", "user_id", "collection_date", "collected"])
        # The salespeople locked (see _lock_salespeople) and their collections read at once.
        groups = self.env.execute_query(
            SQL(
                """
                WITH locked AS (
                    UPDATE res_users SET write_date = write_date WHERE id = ANY(%(users)s) RETURNING id
                )
                SELECT line.company_id, line.user_id, date_trunc('month', line.collection_date)::date,
                       SUM(line.collected)
                  FROM commission_line line
                 WHERE line.user_id IN (SELECT id FROM locked) AND line.company_id = ANY(%(companies)s)
                   AND line.collection_date >= %(first)s AND line.collection_date <= %(last)s
                 GROUP BY 1, 2, 3
                """,
                users=sorted({user_id for _company, user_id in tiered}),
                companies=list({company_id for company_id, _user in tiered}),
                first=min(plan._period_start(first) for plan in tiered.values()),
                last=max(date_utils.end_of(last, plan.tier_period) for plan in tiered.values()),
            )
        )
        for company_id, user_id, month, amount in groups:
            plan = tiered.get((company_id, user_id))
            if plan:
                collected[(company_id, user_id, plan._period_start(month))] += float(amount)
        return collected

    @api.model
    def _lock_invoices(self, invoices):
        """Two transactions reconciling the same invoice at once: the second one waits
        here for the first one, then, the first one having changed the invoice (its
        residual), fails with a serialization error that the server retries; the retry
        sees the invoice paid and the lines already earned."""
        self.env.cr.execute(
            SQL("SELECT id FROM account_move WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE", invoices.ids)
        )

    @api.model
    def _earned_pairs(self, partials):
        """{(partial id, salesperson id)} already earned: a reconciliation processed again
        earns nothing more."""
        lines = self.search_fetch(
            [("partial_id", "in", partials.ids), ("kind", "=", "earned")], ["partial_id", "user_id"]
        )
        return {(line.partial_id.id, line.user_id.id) for line in lines}

    @api.model
    def _lock_salespeople(self, user_ids):
        """Tiers make a payment's commission depend on what the salesperson collected
        before it in the period: two transactions reconciling payments for the same
        salesperson must not both start from the same total. Touching the salesperson's
        row makes the second one wait, then fail with a serialization error, which the
        server retries: the retry reads the first one's lines."""
        self.env.cr.execute(SQL("UPDATE res_users SET write_date = write_date WHERE id IN %s", tuple(sorted(user_ids))))

    def write(self, vals):
        if self.settlement_id.filtered(lambda s: s.state != "draft") and set(vals) - {"settlement_id"}:
            raise UserError(
                self.env._("These commission lines belong to a validated settlement: correct the next period.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._(
                "Commission lines are the audit trail of what salespeople earned and were paid: they are never "
                "deleted. Unreconcile the payment instead: a clawback line cancels the commission."
            )
        )

    def _clawback(self):
        """Negative lines cancelling the earned lines (payment unreconciled or reversed),
        dated as the line they reverse: the tier period and the settlement period then
        net out, as the reconciliation made again is dated to the payment too. In a
        validated period, both move to the day after it."""
        earned = self.filtered(lambda line: line.kind == "earned")
        already = self.search([("origin_line_id", "in", earned.ids)]).origin_line_id
        return self._insert_lines(
            [
                {
                    "company_id": line.company_id.id,
                    "user_id": line.user_id.id,
                    "plan_id": line.plan_id.id,
                    "move_id": line.move_id.id,
                    "partner_id": line.partner_id.id,
                    "origin_line_id": line.id,
                    "date": line.date,
                    "collection_date": line.collection_date or line.date,
                    "kind": "clawback",
                    "collected": -line.collected,
                    "rate": line.rate,
                    "amount": -line.amount,
                }
                for line in earned - already
            ]
        )
