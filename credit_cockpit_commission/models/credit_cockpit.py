from odoo import _, fields, models
from odoo.tools import SQL


class CreditCockpit(models.Model):
    _inherit = "credit.cockpit"
    _depends = {
        "account.move": ["amount_untaxed_signed", "amount_residual_signed", "invoice_user_id"],
        "commission.split": ["move_id", "user_id", "share"],
        "commission.plan": ["company_id", "rate", "active", "sequence", "user_ids", "team_ids"],
    }

    # Commissions are the sales managers' business, as on the commission report.
    commission_waiting = fields.Monetary(
        string="Commission Waiting for Collection",
        readonly=True,
        groups="sales_team.group_sale_manager",
        help="Commission the salespeople earn when the customers pay their open invoices, at the plan's rate.",
    )

    def _cockpit_figures(self, today):
        """As the commission report's *Commission Waiting*: the untaxed residual of the open
        invoices, share of each salesperson, at their plan's rate, found once per salesperson
        by joins (``commission.plan._plans_sql``, as the report)."""
        report = self.env["commission.report"]
        invoices = SQL("%s AND m.amount_residual_signed <> 0", report._invoices_condition())
        return [
            *super()._cockpit_figures(today),
            (
                SQL("COALESCE(comm.amount, 0) AS commission_waiting"),
                SQL(
                    """LEFT JOIN (
                        WITH waiting AS (
                            SELECT m.company_id, sh.user_id,
                                   SUM(CASE WHEN m.amount_total_signed = 0 THEN 0
                                            ELSE m.amount_residual_signed * sh.share
                                                 * m.amount_untaxed_signed / m.amount_total_signed END) AS amount
                              FROM account_move m
                              JOIN (%(shares)s) sh ON sh.move_id = m.id
                             WHERE %(invoices)s AND sh.user_id IS NOT NULL
                          GROUP BY m.company_id, sh.user_id
                        )
                        SELECT waiting.company_id, SUM(waiting.amount * COALESCE(plan.rate, 0) / 100.0) AS amount
                          FROM waiting
                          LEFT JOIN (%(plans)s) seller_plan
                                 ON seller_plan.company_id = waiting.company_id
                                AND seller_plan.user_id = waiting.user_id
                          LEFT JOIN commission_plan plan ON plan.id = seller_plan.plan_id
                      GROUP BY waiting.company_id
                    ) comm ON comm.company_id = company.id""",
                    shares=self.env["commission.split"]._shares_sql(invoices),
                    invoices=invoices,
                    plans=self.env["commission.plan"]._plans_sql(SQL("SELECT company_id, user_id FROM waiting")),
                ),
            ),
        ]

    def action_open_commission_waiting(self):
        return self._cockpit_action(
            "sales_commission_cash.commission_waiting_action",
            _("Commission Waiting for Collection"),
            [("waiting_amount", "!=", 0)],
            {"search_default_group_user": 1},
        )
