from odoo import _, fields, models
from odoo.tools import SQL


class CreditCockpit(models.Model):
    _inherit = "credit.cockpit"
    _depends = {"dispute.dispute": ["company_id", "is_open", "amount_company"]}

    dispute_open_count = fields.Integer(string="Open Disputes", readonly=True)
    dispute_open_amount = fields.Monetary(
        string="Cash Held by Disputes", readonly=True, help="Disputed amounts of the open disputes."
    )

    def _cockpit_figures(self, today):
        """Open disputes and the cash they hold (disputed amounts, in company currency)."""
        return [
            *super()._cockpit_figures(today),
            (
                SQL(
                    "COALESCE(disp.dispute_count, 0) AS dispute_open_count, "
                    "COALESCE(disp.amount, 0) AS dispute_open_amount"
                ),
                SQL(
                    """LEFT JOIN (SELECT dispute.company_id, COUNT(*) AS dispute_count,
                                         SUM(dispute.amount_company) AS amount
                                    FROM dispute_dispute dispute
                                   WHERE dispute.is_open
                                GROUP BY dispute.company_id) disp ON disp.company_id = company.id"""
                ),
            ),
        ]

    def action_open_disputes(self):
        return self._cockpit_action(
            "dispute_tracking.dispute_report_action",
            _("Open Disputes by Department and Reason"),
            [("is_open", "=", True)],
            {
                "pivot_row_groupby": ["department_id"],
                "pivot_column_groupby": ["reason_id"],
                "pivot_measures": ["dispute_count", "amount"],
                "graph_groupbys": ["department_id", "reason_id"],
                "graph_measure": "amount",
            },
        )
