from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL

from .credit_payment_behaviour import GRADES

# The score of a line is the cash a contact today may bring in, weighted by urgency
# (README, "The collector's worklist"). Constants, not settings: the ranking is relative,
# so a collector reads it the same way in every company, and the README states it whole.
# Weight of an open invoice by days past its due date: (up to this many days, weight);
# not yet due counts a quarter (a preventive call secures cash that is not late yet).
LATENESS_WEIGHTS = ((0, 0.25), (30, 1.0), (60, 1.5), (90, 2.0), (None, 3.0))
# Weight by the customer's payment grade: a bad payer's debt is the one at risk.
GRADE_WEIGHTS = {"A": 0.5, "B": 0.75, "C": 1.0, "D": 1.5, "E": 2.0}
UNGRADED_WEIGHT = 1.0
# Promised amounts (at most what is still open on the promise's invoices): due today,
# and broken (date past, nobody called since), which counts double.
PROMISE_DUE_WEIGHT = 1.0
PROMISE_BROKEN_WEIGHT = 2.0
NEXT_ACTIONS = [
    ("escalation", "Escalate to Litigation"),
    ("dispute", "Chase the Department"),
    ("call", "Call"),
    ("letter", "Send the Letter"),
    ("email", "Send the Email"),
]
# The first of these that applies is the next best action; a part added by another module
# gives its own rank (dispute_tracking: 20, after an escalation and before a call).
ACTION_RANKS = {"escalation": 10, "call": 30, "letter": 40, "email": 50}
NO_RANK = 999
# A line's id: its customer's id shifted left by these bits, plus its company's id.
ID_SHIFT = 20


def _skip_term(domain, index):
    """The index after the term of a normalized domain that starts at ``index``."""
    token = domain[index]
    if token == "!":
        return _skip_term(domain, index + 1)
    if token in ("&", "|"):
        return _skip_term(domain, _skip_term(domain, index + 1))
    return index + 1


def _conjuncts(domain, index=0):
    """([leaves that every record of the normalized domain satisfies], next index)."""
    token = domain[index]
    if token == "&":
        left, index = _conjuncts(domain, index + 1)
        right, index = _conjuncts(domain, index)
        return left + right, index
    if token in ("|", "!"):
        return [], _skip_term(domain, index)
    return [token], index + 1


def _ids_of(operator, value):
    """The integer ids a leaf ``= id`` / ``in ids`` keeps, else None (not a restriction)."""
    if operator == "=" and isinstance(value, int) and not isinstance(value, bool):
        return [value]
    if (
        operator == "in"
        and isinstance(value, (list, tuple))
        and all(isinstance(item, int) and not isinstance(item, bool) for item in value)
    ):
        return list(value)
    return None


class CreditCollectorWorklist(models.Model):
    """Each collector's day, one line per customer and company, ranked by expected cash
    impact. Computed at read time for the user's companies and today, set-based: a constant
    number of queries whatever the number of customers."""

    _name = "credit.collector.worklist"
    _description = "Collector's Worklist"
    _auto = False
    _order = "score desc, amount_overdue desc, partner_id"
    _rec_name = "partner_id"
    _depends = {
        "account.move": [
            "amount_residual",
            "amount_residual_signed",
            "commercial_partner_id",
            "company_id",
            "in_dispute",
            "invoice_date_due",
            "move_type",
            "payment_state",
            "state",
        ],
        "res.partner": ["credit_collector_id", "credit_dunning_policy_id", "user_id"],
        "credit.dunning.policy": ["active", "collector_id", "company_id", "is_default"],
        "credit.dunning.stage": ["is_litigation"],
        "credit.dunning.invoice.stage": ["move_id", "stage_id"],
        "credit.dunning.action": [
            "channel",
            "company_id",
            "date",
            "done_date",
            "move_ids",
            "outcome",
            "partner_id",
            "promise_amount",
            "promise_date",
            "stage_id",
            "state",
        ],
        "credit.payment.behaviour": ["grade"],
        "res.company": ["dunning_collector_id", "credit_controller_id"],
    }

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one("res.users", string="Collector", readonly=True)
    salesperson_id = fields.Many2one("res.users", readonly=True)
    grade = fields.Selection(GRADES, readonly=True)
    score = fields.Float(
        string="Expected Cash Impact",
        digits=(16, 2),
        readonly=True,
        help="Open amounts weighted by lateness and the customer's grade, plus the promises due today or "
        "broken and the disputes past their deadline (README, The collector's worklist).",
    )
    customer_count = fields.Integer(string="Customers", readonly=True, help="1 a line: a collector's load.")
    amount_due = fields.Monetary(readonly=True)
    amount_overdue = fields.Monetary(string="Overdue", readonly=True)
    days_late = fields.Integer(readonly=True, help="Of the customer's oldest overdue invoice.")
    call_count = fields.Integer(string="Calls Today", readonly=True, help="Calls planned for today or late.")
    promise_due_amount = fields.Monetary(string="Promised Today", readonly=True)
    promise_broken_amount = fields.Monetary(string="Promises Broken", readonly=True)
    to_do_today = fields.Boolean(
        readonly=True,
        help="A contact planned for today or late, a promise due or broken, or a dispute past its deadline.",
    )
    next_action = fields.Selection(NEXT_ACTIONS, string="Next Best Action", readonly=True)

    def init(self):
        """The open invoices of the customers on the list (today's, a collector's), from the
        index alone: the query reads them by customer, not the whole table."""
        result = super().init()
        self.env.cr.execute(
            SQL(
                """
                CREATE INDEX IF NOT EXISTS account_move_credit_worklist_idx
                    ON account_move (commercial_partner_id, company_id)
                    INCLUDE (invoice_date_due, amount_residual, amount_residual_signed, in_dispute)
                 WHERE move_type = 'out_invoice' AND state = 'posted' AND payment_state IN ('not_paid', 'partial')
                """
            )
        )
        return result

    # ------------------------------------------------------------------
    # The query
    # ------------------------------------------------------------------
    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        # What the domain requires of every line (today's to-dos, a collector, customers)
        # also restricts the customers the query computes: the lines kept are the same.
        return super(CreditCollectorWorklist, self.browse().with_context(**self._prefilter_context(domain)))._search(
            domain, offset=offset, limit=limit, order=order
        )

    @api.model
    def _prefilter_context(self, domain):
        """The context keys of the restrictions the query applies before summing, from the
        leaves every line of ``domain`` satisfies."""
        domain = expression.normalize_domain(domain)
        leaves = _conjuncts(domain)[0] if domain else []
        values = {}
        partner_ids = None
        for leaf in leaves:
            if not isinstance(leaf, (list, tuple)) or len(leaf) != 3:
                continue
            name, operator, value = leaf
            if name == "to_do_today" and (operator, value) in (("=", True), ("!=", False)):
                values["credit_worklist_to_do"] = True
            elif name == "user_id" and (ids := _ids_of(operator, value)) is not None:
                values["credit_worklist_collector_ids"] = ids
            elif name in ("partner_id", "id") and (ids := _ids_of(operator, value)) is not None:
                ids = ids if name == "partner_id" else [line_id >> ID_SHIFT for line_id in ids]
                partner_ids = ids if partner_ids is None else [pid for pid in partner_ids if pid in ids]
        if partner_ids is not None:
            values["credit_worklist_partner_ids"] = partner_ids
        return values

    def _worklist_partner_ids(self):
        """The customers the query computes: those of the context, or of the lines read by id
        (a button, a form), or None for all."""
        partner_ids = self.env.context.get("credit_worklist_partner_ids")
        if self._ids:
            own = {line_id >> ID_SHIFT for line_id in self._ids}
            partner_ids = list(own) if partner_ids is None else [pid for pid in partner_ids if pid in own]
        return partner_ids

    @property
    def _table_query(self):
        today = fields.Date.context_today(self)
        return SQL(" UNION ALL ").join(
            SQL("(%s)", self._worklist_sql(company, today)) for company in self.env.companies
        )

    @api.model
    def _worklist_parts(self, company, today):
        """[(alias, query)]: what other modules add to each customer's line, by ``_inherit``.
        Each query gives one row per customer: ``partner_id``, ``score`` (added to the
        line's), ``to_do`` (puts the customer in today's list), ``action`` and ``rank`` (its
        next best action, taken when its rank is lower), and the columns of its fields
        (``_worklist_part_columns``)."""
        return []

    @api.model
    def _worklist_part_columns(self):
        """Select expressions of the parts' own fields, e.g. ``disputes.late_count AS ...``."""
        return []

    @api.model
    def _lateness_weight_sql(self, days):
        cases = [
            SQL("WHEN %s <= %s THEN %s", days, limit, weight) for limit, weight in LATENESS_WEIGHTS if limit is not None
        ]
        return SQL("(CASE %s ELSE %s END)", SQL(" ").join(cases), LATENESS_WEIGHTS[-1][1])

    @api.model
    def _grade_weight_sql(self, grade):
        cases = [SQL("WHEN %s = %s THEN %s", grade, key, weight) for key, weight in GRADE_WEIGHTS.items()]
        return SQL("(CASE %s ELSE %s END)", SQL(" ").join(cases), UNGRADED_WEIGHT)

    @api.model
    def _collector_sql(self, company, default_collector):
        """The collector of customer ``p`` in ``company``: its own, else its policy's, else the
        default policy's, else the company's; the joins of ``pol`` and ``dp`` it needs."""
        joins = SQL(
            """LEFT JOIN credit_dunning_policy pol
                      ON pol.id = (p.credit_dunning_policy_id ->> %(company)s::text)::int AND pol.active
               LEFT JOIN credit_dunning_policy dp
                      ON dp.company_id = %(company)s AND dp.is_default AND dp.active""",
            company=company.id,
        )
        collector = SQL(
            """COALESCE((p.credit_collector_id ->> %(company)s::text)::int,
                        CASE WHEN pol.id IS NOT NULL THEN pol.collector_id ELSE dp.collector_id END,
                        %(default)s)""",
            company=company.id,
            default=default_collector,
        )
        return collector, joins

    @api.model
    def _to_do_partners_sql(self, company, today, parts):
        """The customers that may have something to do today (a superset: the line's
        ``to_do_today`` decides): a contact planned today or late, a promise fallen due, or a
        part's to-do."""
        part_partners = SQL("").join(
            SQL("UNION ALL SELECT p.partner_id FROM (%s) p WHERE p.to_do", query) for _alias, query in parts
        )
        return SQL(
            """
            SELECT a.partner_id FROM credit_dunning_action a
             WHERE a.company_id = %(company)s AND a.date <= %(today)s AND a.state = 'planned'
            UNION ALL
            SELECT a.partner_id FROM credit_dunning_action a
             WHERE a.company_id = %(company)s AND a.state = 'done' AND a.outcome = 'promise'
               AND a.promise_date <= %(today)s
            %(part_partners)s
            """,
            company=company.id,
            today=today,
            part_partners=part_partners,
        )

    @api.model
    def _candidates_sql(self, company, today, parts, collector, collector_joins):
        """The customers whose lines the query computes, or None for all: those of the
        context's restrictions (customers, today's to-dos, collectors), before summing."""
        partner_ids = self._worklist_partner_ids()
        to_do = self.env.context.get("credit_worklist_to_do")
        collector_ids = self.env.context.get("credit_worklist_collector_ids")
        if partner_ids is None and not to_do and collector_ids is None:
            return None
        conditions = [SQL("TRUE")]
        if partner_ids is not None:
            conditions.append(SQL("p.id = ANY(%s)", list(partner_ids)))
        if to_do:
            conditions.append(SQL("p.id IN (%s)", self._to_do_partners_sql(company, today, parts)))
        if collector_ids is not None:
            conditions.append(SQL("%s = ANY(%s)", collector, list(collector_ids)))
        return SQL(
            "SELECT p.id AS partner_id FROM res_partner p %s WHERE %s",
            collector_joins if collector_ids is not None else SQL(),
            SQL(" AND ").join(conditions),
        )

    @api.model
    def _worklist_sql(self, company, today):
        parts = self._worklist_parts(company, today)
        default_collector = company.sudo()._get_dunning_collector().id or None
        collector, collector_joins = self._collector_sql(company, default_collector)
        # Only these customers (today's to-dos, a collector's, a few scores for Next Call):
        # filtered before summing.
        candidates = self._candidates_sql(company, today, parts, collector, collector_joins)

        def only_for(alias, column):
            if candidates is None:
                return SQL()
            return SQL("AND %s IN (SELECT partner_id FROM candidates)", SQL.identifier(alias, column))

        joins = SQL(" ").join(
            SQL(
                "LEFT JOIN (%s) %s ON %s.partner_id = c.partner_id", query, SQL.identifier(alias), SQL.identifier(alias)
            )
            for alias, query in parts
        )
        # Customers that only a part puts on the list (a dispute on an invoice out of dunning).
        part_facts = SQL("").join(
            SQL(
                """
                UNION ALL
                SELECT p.partner_id, 0, 0, 0, 0, FALSE, FALSE, 0, FALSE, FALSE, 0, 0, FALSE
                  FROM (%s) p WHERE p.to_do %s
                """,
                query,
                only_for("p", "partner_id"),
            )
            for _alias, query in parts
        )
        score = SQL(
            "c.base_score %s",
            SQL(" ").join(SQL("+ COALESCE(%s.score, 0)", SQL.identifier(alias)) for alias, _q in parts),
        )
        to_do = SQL(
            "c.base_to_do %s",
            SQL(" ").join(SQL("OR COALESCE(%s.to_do, FALSE)", SQL.identifier(alias)) for alias, _q in parts),
        )
        action, rank = SQL("c.base_action"), SQL("c.base_rank")
        for alias, _query in parts:
            part = SQL.identifier(alias)
            action = SQL(
                "(CASE WHEN COALESCE(%s.rank, %s) < %s THEN %s.action ELSE %s END)", part, NO_RANK, rank, part, action
            )
            rank = SQL("LEAST(%s, COALESCE(%s.rank, %s))", rank, part, NO_RANK)
        extra_columns = SQL("").join(SQL(", %s", column) for column in self._worklist_part_columns())
        return SQL(
            """
            WITH %(candidates)s facts AS (
                -- One row per open invoice, planned contact and promise: summed per customer
                -- in one pass (no join of aggregates, and a plan its row estimates fit).
                SELECT m.commercial_partner_id AS partner_id, m.amount_residual_signed AS amount_due,
                       CASE WHEN m.invoice_date_due < %(today)s THEN m.amount_residual_signed ELSE 0 END
                           AS amount_overdue,
                       GREATEST(%(today)s - m.invoice_date_due, 0) AS days_late,
                       m.amount_residual_signed * %(lateness)s AS weighted,
                       (COALESCE(st.is_litigation, FALSE) AND m.invoice_date_due < %(today)s) AS litigation,
                       FALSE AS planned, 0 AS call_count, FALSE AS has_letter, FALSE AS has_email,
                       0 AS promise_due, 0 AS promise_broken, FALSE AS promised
                  FROM account_move m
                  LEFT JOIN credit_dunning_invoice_stage ds ON ds.move_id = m.id
                  LEFT JOIN credit_dunning_stage st ON st.id = ds.stage_id
                 WHERE m.company_id = %(company)s
                   AND m.move_type = 'out_invoice' AND m.state = 'posted'
                   AND m.payment_state IN ('not_paid', 'partial') AND m.amount_residual > 0
                   AND NOT COALESCE(m.in_dispute, FALSE)
                   AND m.invoice_date_due IS NOT NULL %(only_invoices)s
                UNION ALL
                SELECT a.partner_id, 0, 0, 0, 0, s.is_litigation, TRUE, (a.channel = 'phone')::int,
                       a.channel = 'letter', a.channel = 'email', 0, 0, FALSE
                  FROM credit_dunning_action a
                  JOIN credit_dunning_stage s ON s.id = a.stage_id
                 WHERE a.company_id = %(company)s AND a.state = 'planned' AND a.date <= %(today)s
                       %(only_actions)s
                UNION ALL
                -- A promise is handled once a contact is recorded after it, from its date on.
                SELECT a.partner_id, 0, 0, 0, 0, FALSE, FALSE, 0, FALSE, FALSE,
                       CASE WHEN a.promise_date = %(today)s THEN LEAST(a.promise_amount, o.residual) ELSE 0 END,
                       CASE WHEN a.promise_date < %(today)s THEN LEAST(a.promise_amount, o.residual) ELSE 0 END,
                       TRUE
                  FROM credit_dunning_action a
                  JOIN LATERAL (
                       SELECT SUM(m.amount_residual_signed) AS residual
                         FROM credit_dunning_action_move_rel r
                         JOIN account_move m ON m.id = r.move_id
                        WHERE r.action_id = a.id AND m.state = 'posted' AND m.payment_state IN ('not_paid', 'partial')
                  ) o ON o.residual > 0
                 WHERE a.company_id = %(company)s AND a.state = 'done' AND a.outcome = 'promise'
                   AND a.promise_date <= %(today)s %(only_actions)s
                   AND NOT EXISTS (
                       SELECT 1 FROM credit_dunning_action later
                        WHERE later.partner_id = a.partner_id AND later.company_id = a.company_id
                          AND later.state = 'done' AND later.outcome != 'sent' AND later.id != a.id
                          AND later.done_date > a.done_date AND later.done_date::date >= a.promise_date)
                %(part_facts)s
            ), sums AS (
                SELECT partner_id, SUM(amount_due) AS amount_due, SUM(amount_overdue) AS amount_overdue,
                       MAX(days_late) AS days_late, SUM(weighted) AS weighted, BOOL_OR(litigation) AS litigation,
                       BOOL_OR(planned) AS planned, SUM(call_count) AS call_count, BOOL_OR(has_letter) AS has_letter,
                       BOOL_OR(has_email) AS has_email, SUM(promise_due) AS promise_due,
                       SUM(promise_broken) AS promise_broken, BOOL_OR(promised) AS promised
                  FROM facts GROUP BY partner_id
            ), base AS (
                SELECT u.partner_id, u.amount_due, u.amount_overdue, u.days_late, u.call_count,
                       u.promise_due AS promise_due_amount, u.promise_broken AS promise_broken_amount, pb.grade,
                       u.weighted * %(grade_weight)s
                           + u.promise_due * %(promise_due)s + u.promise_broken * %(promise_broken)s AS base_score,
                       (u.planned OR u.promise_due > 0 OR u.promise_broken > 0) AS base_to_do,
                       CASE WHEN u.litigation THEN 'escalation'
                            WHEN u.call_count > 0 OR u.promised THEN 'call'
                            WHEN u.has_letter THEN 'letter'
                            WHEN u.has_email THEN 'email'
                            WHEN u.amount_overdue > 0 THEN 'call' END AS base_action
                  FROM sums u
                  LEFT JOIN credit_payment_behaviour pb ON pb.partner_id = u.partner_id AND pb.company_id = %(company)s
            ), c AS (
                SELECT base.*,
                       CASE base_action WHEN 'escalation' THEN %(rank_escalation)s WHEN 'call' THEN %(rank_call)s
                            WHEN 'letter' THEN %(rank_letter)s WHEN 'email' THEN %(rank_email)s
                            ELSE %(no_rank)s END AS base_rank
                  FROM base
            )
            SELECT (c.partner_id::bigint << %(shift)s) + %(company)s AS id, c.partner_id, %(company)s AS company_id,
                   %(collector)s AS user_id,
                   p.user_id AS salesperson_id, 1 AS customer_count, c.grade,
                   c.amount_due, c.amount_overdue, c.days_late, c.call_count,
                   c.promise_due_amount, c.promise_broken_amount,
                   ROUND((%(score)s)::numeric, 2) AS score,
                   %(to_do)s AS to_do_today,
                   %(action)s AS next_action
                   %(extra_columns)s
              FROM c
              JOIN res_partner p ON p.id = c.partner_id
              %(collector_joins)s
              %(joins)s
            """,
            today=today,
            company=company.id,
            lateness=self._lateness_weight_sql(SQL("(%s - m.invoice_date_due)", today)),
            grade_weight=self._grade_weight_sql(SQL("pb.grade")),
            promise_due=PROMISE_DUE_WEIGHT,
            promise_broken=PROMISE_BROKEN_WEIGHT,
            part_facts=part_facts,
            only_invoices=only_for("m", "commercial_partner_id"),
            only_actions=only_for("a", "partner_id"),
            rank_escalation=ACTION_RANKS["escalation"],
            rank_call=ACTION_RANKS["call"],
            rank_letter=ACTION_RANKS["letter"],
            rank_email=ACTION_RANKS["email"],
            no_rank=NO_RANK,
            candidates=SQL("candidates AS (%s),", candidates) if candidates is not None else SQL(),
            shift=ID_SHIFT,
            collector=collector,
            collector_joins=collector_joins,
            score=score,
            to_do=to_do,
            action=action,
            extra_columns=extra_columns,
            joins=joins,
        )

    @api.model
    def _get_scores(self, partners):
        """{(partner id, company id): score} of these customers in the user's companies."""
        self.invalidate_model(["score"])  # computed at read time: never from an earlier read
        rows = self.with_context(credit_worklist_partner_ids=partners.ids).search_fetch(
            [("partner_id", "in", partners.ids)], ["partner_id", "company_id", "score"]
        )
        return {(row.partner_id.id, row.company_id.id): row.score for row in rows}

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------
    def _planned_actions(self):
        self.ensure_one()
        return self.env["credit.dunning.action"].search(
            [
                ("partner_id", "=", self.partner_id.id),
                ("company_id", "=", self.company_id.id),
                ("state", "=", "planned"),
                ("date", "<=", fields.Date.context_today(self)),
            ],
            order="date, id",
        )

    def action_do_next_action(self):
        """The line's button: the record to act on for its next best action."""
        self.ensure_one()
        handler = getattr(self, f"_do_next_{self.next_action}", None)
        if not handler:
            raise UserError(_("Nothing to do today for %(customer)s.", customer=self.partner_id.display_name))
        return handler()

    def _open_action(self, action):
        return {
            "type": "ir.actions.act_window",
            "name": action.display_name,
            "res_model": action._name,
            "res_id": action.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def _open_customer_actions(self):
        return self.partner_id.with_company(self.company_id).action_open_dunning_actions()

    def _do_next_call(self):
        calls = self._planned_actions().filtered(lambda a: a.channel == "phone")
        return self._open_action(calls[0]) if calls else self._open_customer_actions()

    def _do_next_letter(self):
        letters = self._planned_actions().filtered(lambda a: a.channel == "letter")
        return self._open_action(letters[0]) if letters else self._open_customer_actions()

    def _do_next_email(self):
        emails = self._planned_actions().filtered(lambda a: a.channel == "email")
        return self._open_action(emails[0]) if emails else self._open_customer_actions()

    def _do_next_escalation(self):
        litigation = self.env["credit.dunning.action"].search(
            [
                ("partner_id", "=", self.partner_id.id),
                ("company_id", "=", self.company_id.id),
                ("stage_id.is_litigation", "=", True),
                ("state", "!=", "cancelled"),
            ],
            order="date desc, id desc",
            limit=1,
        )
        return self._open_action(litigation) if litigation else self._open_customer_actions()

    def action_assign_collector(self):
        """Finance's wizard on the selected lines' customers."""
        return self.env["credit.collector.assign"]._open_for(self.partner_id)
