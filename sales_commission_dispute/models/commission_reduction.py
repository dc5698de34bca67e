from odoo import fields, models

REDUCTION_SOURCES = [("dispute", "Order-Entry Error Dispute"), ("intake", "Order Failing an Intake Rule")]


class CommissionReduction(models.Model):
    """A share of a settlement's commission taken off for a data-quality fault of the
    salesperson in the period, with its reason. Computed with the draft settlement, kept
    once it is validated."""

    _name = "commission.reduction"
    _description = "Commission Reduction"
    _order = "settlement_id, id"

    settlement_id = fields.Many2one("commission.settlement", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="settlement_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="settlement_id.currency_id")
    user_id = fields.Many2one(related="settlement_id.user_id", string="Salesperson", store=True, index=True)
    date = fields.Date(related="settlement_id.date_to", store=True, string="Period End")
    plan_id = fields.Many2one("commission.plan", ondelete="restrict")
    source = fields.Selection(REDUCTION_SOURCES, required=True)
    dispute_id = fields.Many2one("dispute.dispute", index="btree_not_null", ondelete="restrict")
    move_id = fields.Many2one("account.move", string="Invoice", ondelete="restrict")
    order_id = fields.Many2one("sale.order", string="Sales Order", ondelete="set null")
    intake_rule_ids = fields.Many2many("credit.intake.rule", string="Intake Rules Failed")
    name = fields.Char(string="Reason", required=True)
    share = fields.Float(string="Share (%)", digits=(16, 2))
    base_amount = fields.Monetary(string="Commission of the Period", currency_field="currency_id")
    amount = fields.Monetary(string="Reduction", currency_field="currency_id")
