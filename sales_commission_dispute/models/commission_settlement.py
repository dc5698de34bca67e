from datetime import timedelta

from odoo import Command, api, fields, models


class CommissionSettlement(models.Model):
    _inherit = "commission.settlement"

    reduction_ids = fields.One2many("commission.reduction", "settlement_id", string="Reductions", readonly=True)
    amount_earned = fields.Monetary(
        string="Commission Before Reductions", compute="_compute_amount_total", store=True, currency_field="currency_id"
    )
    amount_reduction = fields.Monetary(
        string="Total Reductions", compute="_compute_amount_total", store=True, currency_field="currency_id"
    )

    @api.depends("reduction_ids.amount")
    def _compute_amount_total(self):
        result = super()._compute_amount_total()
        for settlement in self:
            settlement.amount_earned = settlement.amount_total
            settlement.amount_reduction = sum(settlement.reduction_ids.mapped("amount"))
            settlement.amount_total += settlement.amount_reduction
        return result

    def action_compute(self):
        result = super().action_compute()
        self._compute_reductions()
        return result

    def _compute_reductions(self):
        """Replace the draft settlements' reductions: each fault of the period takes its share
        of the period's commission, together never more than all of it."""
        plans = self.env["commission.plan"]._plans_for({(s.company_id.id, s.user_id.id) for s in self})
        reductions = self.env["commission.reduction"].sudo()
        reductions.search([("settlement_id", "in", self.ids)]).unlink()
        # One grouped sum, not the lines read in batches of the prefetch size.
        bases = dict(
            self.env["commission.line"]
            .sudo()
            ._read_group([("settlement_id", "in", self.ids)], ["settlement_id"], ["amount:sum"])
        )
        vals_list = []
        for settlement in self:
            plan = plans.get((settlement.company_id.id, settlement.user_id.id))
            if not plan:
                continue
            base = bases.get(settlement, 0.0)
            remaining = 100.0
            for vals in settlement._reduction_sources(plan):
                share = min(vals["share"], remaining)
                remaining -= share
                amount = settlement.currency_id.round(max(base, 0.0) * share / 100.0)
                vals_list.append(
                    {
                        **vals,
                        "settlement_id": settlement.id,
                        "plan_id": plan.id,
                        "share": share,
                        "base_amount": base,
                        "amount": -amount,
                    }
                )
        reductions.create(vals_list)

    def _reduction_sources(self, plan):
        """The faults that reduce the commission of the period, as values of reductions, each
        with the share it takes (``share``) and its reason (``name``). Another kind of fault
        (an order that failed an intake rule at confirmation) adds its own to this list."""
        self.ensure_one()
        return self._reduction_sources_disputes(plan) + self._reduction_sources_intake(plan)

    def _reduction_sources_intake(self, plan):
        """One reduction per order of the salesperson confirmed in the period that failed an
        intake rule at confirmation, with the rules it failed."""
        if not plan.intake_reduction_share:
            return []
        orders = (
            self.env["sale.order"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("user_id", "=", self.user_id.id),
                    ("state", "=", "sale"),
                    ("credit_intake_failed_rule_ids", "!=", False),
                    ("date_order", ">=", fields.Datetime.to_datetime(self.date_from)),
                    ("date_order", "<", fields.Datetime.to_datetime(self.date_to + timedelta(days=1))),
                ],
                order="date_order, id",
            )
        )
        return [
            {
                "source": "intake",
                "order_id": order.id,
                "intake_rule_ids": [Command.set(order.credit_intake_failed_rule_ids.ids)],
                "share": plan.intake_reduction_share,
                "name": self.env._(
                    "Order %(order)s confirmed incomplete: %(rules)s",
                    order=order.name,
                    rules=", ".join(order.credit_intake_failed_rule_ids.mapped("name")),
                ),
            }
            for order in orders
        ]

    def _reduction_sources_disputes(self, plan):
        """One reduction per dispute of the period on the salesperson's invoices whose reason
        is an order-entry error, rejected disputes left out."""
        if not plan.dispute_reduction_share:
            return []
        disputes = (
            self.env["dispute.dispute"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("salesperson_id", "=", self.user_id.id),
                    ("reason_id.order_entry_error", "=", True),
                    ("stage", "!=", "rejected"),
                    ("date_open", ">=", fields.Datetime.to_datetime(self.date_from)),
                    ("date_open", "<", fields.Datetime.to_datetime(self.date_to + timedelta(days=1))),
                ],
                order="date_open, id",
            )
        )
        return [
            {
                "source": "dispute",
                "dispute_id": dispute.id,
                "move_id": dispute.move_id.id,
                "order_id": dispute.move_id.line_ids.sale_line_ids.order_id[:1].id,
                "share": plan.dispute_reduction_share,
                "name": self.env._(
                    "Dispute %(dispute)s on %(invoice)s: %(reason)s",
                    dispute=dispute.name,
                    invoice=dispute.move_id.name,
                    reason=dispute.reason_id.name,
                ),
            }
            for dispute in disputes
        ]
