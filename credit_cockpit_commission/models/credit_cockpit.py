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
        return [
            *super()._cockpit_figures(today),
            (
                SQL("COALESCE(comm.amount, 0) AS commission_waiting"),
                SQL(
                    """LEFT JOIN (SELECT report.company_id, SUM(report.waiting_commission) AS amount
                                    FROM (%s) report
                                   WHERE report.waiting_commission <> 0
                                GROUP BY report.company_id) comm ON comm.company_id = company.id""",
                    self.env["commission.report"]._table_query,
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
