from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, date_utils


class CommissionPlan(models.Model):
    _name = "commission.plan"
    _description = "Commission Plan"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    user_ids = fields.Many2many(
        "res.users",
        string="Salespeople",
        help="Salespeople paid under this plan: it comes before their sales team's plan and the default plan.",
    )
    team_ids = fields.Many2many(
        "crm.team",
        string="Sales Teams",
        help="Members of these sales teams (their main team) are paid under this plan, unless a plan names them. "
        "A plan without salespeople nor teams applies to everyone else.",
    )
    rate = fields.Float(
        string="Rate (%)",
        required=True,
        digits=(16, 2),
        help="Share of the untaxed amount collected; with tiers, the rate of the amounts no tier covers.",
    )
    tier_ids = fields.One2many("commission.plan.tier", "plan_id", string="Tiers", copy=True)
    tier_period = fields.Selection(
        [("month", "Month"), ("quarter", "Quarter"), ("year", "Year")],
        default="month",
        required=True,
        help="Tiers apply to what the salesperson collected in this period of the payment date.",
    )
    early_bonus = fields.Float(
        string="Bonus when paid on time (points)",
        digits=(16, 2),
        help="Added to the rate when the customer pays by the due date.",
    )
    late_days = fields.Integer(string="Late after (days)", default=30)
    late_reduction = fields.Float(
        string="Reduction when paid late (points)",
        digits=(16, 2),
        help="Taken off the rate when the customer pays more than the given days after the due date.",
    )

    @api.constrains("rate", "early_bonus", "late_reduction")
    def _check_rates(self):
        for plan in self:
            for value in (plan.rate, plan.early_bonus, plan.late_reduction):
                if not 0.0 <= value <= 100.0:
                    raise ValidationError(
                        self.env._("Plan %(plan)s: rates must be between 0 and 100 %%.", plan=plan.name)
                    )

    @api.constrains("late_days")
    def _check_late_days(self):
        if any(plan.late_days < 0 for plan in self):
            raise ValidationError(self.env._("The number of days late cannot be negative."))

    def _timing_points(self, payment_date, due_date):
        """Points added to (or taken off) the rate for a payment made on payment_date."""
        self.ensure_one()
        if not due_date:
            return 0.0
        if payment_date <= due_date:
            return self.early_bonus
        if (payment_date - due_date).days > self.late_days:
            return -self.late_reduction
        return 0.0

    def _period_start(self, date):
        self.ensure_one()
        return date_utils.start_of(date, self.tier_period)

    def _commission_amount(self, collected, collected_before, timing_points):
        """Commission on `collected`, earned after `collected_before` in the tier period:
        each slice of the period's collections earns the rate of its tier (progressive
        tiers, so that the order of the payments does not change the total)."""
        self.ensure_one()
        low, high = sorted((collected_before, collected_before + collected))
        sign = 1.0 if collected >= 0 else -1.0
        covered = 0.0
        amount = 0.0
        for tier in self.tier_ids:
            top = tier.amount_to or float("inf")
            overlap = max(0.0, min(high, top) - max(low, tier.amount_from))
            covered += overlap
            amount += overlap * tier.rate
        amount += (high - low - covered) * self.rate
        rate = max(amount / (high - low) + timing_points, 0.0) if high > low else max(self.rate + timing_points, 0.0)
        return sign * (high - low) * rate / 100.0, rate

    @api.model
    def _plan_for_sql(self, company_sql, user_sql):
        """Subquery giving the plan of a salesperson: a plan naming them, else their sales
        team's plan, else the company's default plan (then by sequence). The commission
        lines and the report both take the plan from here."""
        users = self._fields["user_ids"]
        teams = self._fields["team_ids"]
        return SQL(
            """(
            SELECT p.id FROM commission_plan p
             WHERE p.active AND p.company_id = %(company)s
               AND (
                   EXISTS (SELECT 1 FROM %(user_rel)s r WHERE r.%(user_plan)s = p.id AND r.%(user_col)s = %(user)s)
                   OR EXISTS (SELECT 1 FROM %(team_rel)s r JOIN res_users u ON u.sale_team_id = r.%(team_col)s
                               WHERE r.%(team_plan)s = p.id AND u.id = %(user)s)
                   OR (NOT EXISTS (SELECT 1 FROM %(user_rel)s r WHERE r.%(user_plan)s = p.id)
                       AND NOT EXISTS (SELECT 1 FROM %(team_rel)s r WHERE r.%(team_plan)s = p.id))
               )
             ORDER BY
                   EXISTS (SELECT 1 FROM %(user_rel)s r
                            WHERE r.%(user_plan)s = p.id AND r.%(user_col)s = %(user)s) DESC,
                   EXISTS (SELECT 1 FROM %(team_rel)s r WHERE r.%(team_plan)s = p.id) DESC,
                   p.sequence, p.id
             LIMIT 1
            )""",
            company=company_sql,
            user=user_sql,
            user_rel=SQL.identifier(users.relation),
            user_plan=SQL.identifier(users.column1),
            user_col=SQL.identifier(users.column2),
            team_rel=SQL.identifier(teams.relation),
            team_plan=SQL.identifier(teams.column1),
            team_col=SQL.identifier(teams.column2),
        )

    @api.model
    def _plans_sql(self, keys_sql):
        """Rows (company_id, user_id, plan_id) of the pairs (company_id, user_id) that
        `keys_sql` gives, chosen as ``_plan_for_sql`` does, by joins: one pass for all the
        pairs, where a subquery per row, costed on the plan tables that autovacuum never
        analyses (a few rows), made PostgreSQL JIT-compile the query (about 2 s)."""
        users = self._fields["user_ids"]
        teams = self._fields["team_ids"]
        return SQL(
            """
            SELECT DISTINCT ON (k.company_id, k.user_id) k.company_id, k.user_id, p.id AS plan_id
              FROM (%(keys)s) k
              JOIN commission_plan p ON p.active AND p.company_id = k.company_id
              LEFT JOIN res_users u ON u.id = k.user_id
              LEFT JOIN %(user_rel)s named ON named.%(user_plan)s = p.id AND named.%(user_col)s = k.user_id
              LEFT JOIN %(team_rel)s team ON team.%(team_plan)s = p.id AND team.%(team_col)s = u.sale_team_id
              LEFT JOIN (SELECT DISTINCT %(user_plan)s AS plan_id FROM %(user_rel)s) any_user
                     ON any_user.plan_id = p.id
              LEFT JOIN (SELECT DISTINCT %(team_plan)s AS plan_id FROM %(team_rel)s) any_team
                     ON any_team.plan_id = p.id
             WHERE named.%(user_plan)s IS NOT NULL OR team.%(team_plan)s IS NOT NULL
                   OR (any_user.plan_id IS NULL AND any_team.plan_id IS NULL)
             ORDER BY k.company_id, k.user_id, named.%(user_plan)s IS NOT NULL DESC,
                      any_team.plan_id IS NOT NULL DESC, p.sequence, p.id
            """,
            keys=keys_sql,
            user_rel=SQL.identifier(users.relation),
            user_plan=SQL.identifier(users.column1),
            user_col=SQL.identifier(users.column2),
            team_rel=SQL.identifier(teams.relation),
            team_plan=SQL.identifier(teams.column1),
            team_col=SQL.identifier(teams.column2),
        )

    @api.model
    def _plans_for(self, keys):
        """{(company_id, user_id): plan} for the given pairs, in one query."""
        keys = list(keys)
        if not keys:
            return {}
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                "SELECT k.company_id, k.user_id, %(plan)s FROM unnest(%(companies)s::int[], %(users)s::int[])"
                " AS k(company_id, user_id)",
                plan=self._plan_for_sql(SQL("k.company_id"), SQL("k.user_id")),
                companies=[company_id for company_id, _user_id in keys],
                users=[user_id for _company_id, user_id in keys],
            )
        )
        plans = self.browse([plan_id for _company, _user, plan_id in rows if plan_id])
        by_id = {plan.id: plan for plan in plans}
        return {(company_id, user_id): by_id[plan_id] for company_id, user_id, plan_id in rows if plan_id}
