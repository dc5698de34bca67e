from odoo import _, api, fields, models
from odoo.tools import SQL

# A dispute past its deadline adds its disputed amount to the customer's score, and its
# next best action is to chase the department: after an escalation, before a call.
DISPUTE_LATE_WEIGHT = 1.0
DISPUTE_RANK = 20


class CreditCollectorWorklist(models.Model):
    _inherit = "credit.collector.worklist"
    _depends = {"dispute.dispute": ["amount_company", "company_id", "date_deadline", "is_open", "partner_id"]}

    dispute_late_count = fields.Integer(string="Disputes Past Deadline", readonly=True)
    dispute_late_amount = fields.Monetary(string="Disputed Past Deadline", readonly=True)

    @api.model
    def _worklist_parts(self, company, today):
        disputes = SQL(
            """
            SELECT d.partner_id, COUNT(*) AS late_count, SUM(d.amount_company) AS late_amount,
                   SUM(d.amount_company) * %(weight)s AS score, TRUE AS to_do,
                   'dispute' AS action, %(rank)s AS rank
              FROM dispute_dispute d
             WHERE d.company_id = %(company)s AND d.is_open AND d.date_deadline < %(today)s
             GROUP BY d.partner_id
            """,
            weight=DISPUTE_LATE_WEIGHT,
            rank=DISPUTE_RANK,
            company=company.id,
            today=today,
        )
        return [*super()._worklist_parts(company, today), ("late_disputes", disputes)]

    @api.model
    def _worklist_part_columns(self):
        return [
            *super()._worklist_part_columns(),
            SQL("COALESCE(late_disputes.late_count, 0) AS dispute_late_count"),
            SQL("COALESCE(late_disputes.late_amount, 0) AS dispute_late_amount"),
        ]

    def _do_next_dispute(self):
        """The disputes past their deadline, to chase their department from them."""
        disputes = self.env["dispute.dispute"].search(
            [
                ("partner_id", "=", self.partner_id.id),
                ("company_id", "=", self.company_id.id),
                ("is_late", "=", True),
            ]
        )
        if len(disputes) == 1:
            return {
                "type": "ir.actions.act_window",
                "name": disputes.display_name,
                "res_model": "dispute.dispute",
                "res_id": disputes.id,
                "view_mode": "form",
                "views": [(False, "form")],
            }
        return {
            "type": "ir.actions.act_window",
            "name": _("Disputes Past Deadline"),
            "res_model": "dispute.dispute",
            "view_mode": "list,form",
            "domain": [("id", "in", disputes.ids)],
        }
