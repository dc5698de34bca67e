from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_round, format_amount, format_date

ORDER_DECISIONS = ("release", "prepayment", "refuse")
LIMIT_DECISIONS = ("limit_temporary", "limit_permanent")


class CreditDecisionWizard(models.TransientModel):
    """Finance's decision on a customer's credit, taken from the partner form."""

    _name = "credit.decision.wizard"
    _description = "Credit Decision"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, domain="[('is_company', '=', True)]")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    order_id = fields.Many2one(
        "sale.order",
        domain="[('partner_invoice_id', 'child_of', partner_id), ('company_id', '=', company_id),"
        " '|', ('state', 'in', ('draft', 'sent')),"
        " '&', ('state', '=', 'sale'), ('credit_release_state', '=', 'requested')]",
    )
    order_amount = fields.Monetary(
        related="order_id.amount_total", string="Order Total", currency_field="order_currency_id"
    )
    order_currency_id = fields.Many2one(related="order_id.currency_id", string="Order Currency")
    order_requested_amount = fields.Monetary(
        related="order_id.credit_release_requested_amount",
        string="Release Requested Up To",
        currency_field="order_currency_id",
    )
    order_hold_message = fields.Text(related="order_id.credit_hold_message")
    release_reason = fields.Text(related="order_id.credit_release_reason", string="Salesperson's Request")
    decision = fields.Selection(
        [
            ("release", "Release this order only"),
            ("limit_temporary", "Raise the limit for a while"),
            ("limit_permanent", "Change the limit for good"),
            ("prepayment", "Ask for prepayment"),
            ("refuse", "Refuse"),
            ("cash_in_advance", "Put on cash in advance"),
            ("cash_in_advance_lifted", "Lift cash in advance"),
        ],
        required=True,
        compute="_compute_decision",
        store=True,
        readonly=False,
        precompute=True,
    )
    decision_options = fields.Json(
        compute="_compute_decision_options",
        help="The decisions that apply to this customer and order, offered in the form.",
    )
    exposure = fields.Monetary(compute="_compute_partner_credit")
    current_limit = fields.Monetary(compute="_compute_partner_credit", string="Limit in Force")
    limit_needed = fields.Monetary(
        string="Limit for This Order",
        compute="_compute_limit_needed",
        help="The lowest limit under which the order goes through: the customer's exposure with it.",
    )
    new_limit = fields.Monetary(compute="_compute_new_limit", store=True, readonly=False, precompute=True)
    limit_end_date = fields.Date(string="Until", default=lambda self: self._default_limit_end_date())
    reason = fields.Text(required=True)

    def _default_limit_end_date(self):
        """A temporary limit is for a while: a month, unless finance says otherwise."""
        return fields.Date.context_today(self) + relativedelta(months=1)

    @api.depends("partner_id", "company_id")
    def _compute_partner_credit(self):
        for wizard in self:
            partner = wizard.partner_id.commercial_partner_id.with_company(wizard.company_id)
            wizard.exposure = partner.credit_exposure
            wizard.current_limit = partner.credit_limit_effective

    @api.depends("partner_id", "company_id", "order_id")
    def _compute_decision_options(self):
        for wizard in self:
            wizard.decision_options = wizard._get_decision_options()

    def _get_decision_options(self):
        """Decisions on an order need one; prepayment is asked on quotations; cash in advance
        is put on or lifted, whichever the customer is not."""
        self.ensure_one()
        order = self.order_id
        options = []
        if order:
            options.append("release")
        options += list(LIMIT_DECISIONS)
        if order.state in ("draft", "sent"):
            options.append("prepayment")
        if order:
            options.append("refuse")
        partner = self.partner_id.commercial_partner_id.with_company(self.company_id).sudo()
        options.append("cash_in_advance_lifted" if partner.credit_cash_in_advance else "cash_in_advance")
        return options

    @api.depends("order_id")
    def _compute_decision(self):
        for wizard in self:
            options = wizard._get_decision_options()
            if wizard.decision not in options:
                wizard.decision = options[0]

    @api.depends("partner_id", "company_id", "order_id")
    def _compute_limit_needed(self):
        for wizard in self:
            wizard.limit_needed = wizard._get_limit_needed()

    def _get_limit_needed(self):
        """The customer's exposure with the order (or the increase asked for a confirmed one),
        in the company currency, rounded up to the unit: a limit that lets the order through."""
        self.ensure_one()
        order = self.order_id._origin
        if not order or order.company_id != self.company_id:
            return 0.0
        increase = {}
        if order.state == "sale":
            increase = {order.id: max(order.credit_release_requested_amount - order.amount_total, 0.0)}
        exposure = order._credit_evaluate(increase=increase)[order.id]["exposure"]
        return float_round(exposure, precision_digits=0, rounding_method="UP")

    @api.depends("limit_needed", "current_limit")
    def _compute_new_limit(self):
        for wizard in self:
            if wizard.limit_needed > wizard.current_limit:
                wizard.new_limit = wizard.limit_needed
            elif not wizard.new_limit:
                wizard.new_limit = wizard.current_limit

    # ------------------------------------------------------------------
    def _check_decision(self):
        self.ensure_one()
        if not self.env.user.has_group("credit_control.group_credit_controller"):
            raise AccessError(_("Only finance (Credit Control group) decides on customer credit."))
        if not (self.reason or "").strip():
            raise UserError(_("Give the reason of this decision: it is kept in the customer's credit history."))
        order = self.order_id
        if self.decision in ORDER_DECISIONS and not order:
            raise UserError(_("Choose the order this decision is about."))
        if order:
            self._check_order(order)
        elif self.decision not in ("prepayment", "refuse", "cash_in_advance"):
            # Loosening the credit of a customer whose order waits is deciding on that order.
            self.partner_id.commercial_partner_id.with_company(self.company_id)._credit_check_four_eyes()
        if self.decision in LIMIT_DECISIONS and self.new_limit <= 0:
            raise UserError(_("The new credit limit must be a positive amount."))
        if self.decision == "limit_permanent":
            self._check_limit_not_insured()
        if self.decision == "limit_temporary":
            if not self.limit_end_date:
                raise UserError(_("Set the date until which the temporary limit applies."))
            if self.limit_end_date < fields.Date.context_today(self):
                raise UserError(_("The end date of a temporary limit cannot be in the past."))

    def _check_limit_not_insured(self):
        """Where the company limits by insurance cover, the cover in force is the limit."""
        partner = self.partner_id.commercial_partner_id.with_company(self.company_id)
        if partner._get_credit_insured_limit() is not None:
            raise UserError(
                _(
                    "The limit of %(customer)s is its insurance cover in force (company setting Limit by "
                    "Insurance Cover): ask the insurer for a higher cover, raise the limit for a while or "
                    "release the order.",
                    customer=partner.name,
                )
            )

    def _check_order(self, order):
        if order.partner_invoice_id.commercial_partner_id != self.partner_id.commercial_partner_id:
            raise UserError(_("Order %(order)s is not an order of this customer.", order=order.name))
        if self.company_id != order.company_id:
            raise UserError(_("Order %(order)s is an order of another company.", order=order.name))
        self._check_order_state(order)
        order._credit_check_four_eyes()

    def _check_order_state(self, order):
        growth = order.state == "sale" and order.credit_release_state == "requested"
        if order.state not in ("draft", "sent") and not growth:
            raise UserError(
                _(
                    "Order %(order)s is %(state)s: only a quotation waiting for confirmation, or a "
                    "confirmed order whose increase waits for a release, can be released, refused or "
                    "sent for prepayment.",
                    order=order.name,
                    state=dict(order._fields["state"]._description_selection(self.env))[order.state],
                )
            )
        if growth and self.decision == "prepayment":
            raise UserError(
                _(
                    "Order %(order)s is confirmed: release its increase or refuse it; prepayment is asked "
                    "on quotations.",
                    order=order.name,
                )
            )

    def action_apply(self):
        self.ensure_one()
        self._check_decision()
        partner = self.partner_id.commercial_partner_id.with_company(self.company_id)
        values = {
            "partner_id": partner.id,
            "company_id": self.company_id.id,
            "order_id": self.order_id.id,
            "decision": self.decision,
            "reason": self.reason,
            "exposure": partner.credit_exposure,
            "limit_before": partner._get_credit_limit_in_force(),
        }
        if self.order_id.credit_release_state == "requested":  # the cockpit's decision lead time
            values["request_date"] = self.order_id.credit_release_requested_date
        values.update(getattr(self, f"_apply_{self.decision}")(partner))
        values.setdefault("limit_after", partner._get_credit_limit_in_force())
        decision = self.env["credit.decision"].create(values)
        self._post_decision(partner, decision)
        return self._notify_decision(partner, decision)

    def _notify_decision(self, partner, decision):
        """Say what was done, and reload the customer (or order) behind the dialog."""
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": _("Credit decision recorded"),
                "message": self._decision_summary(partner, decision),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _decision_summary(self, partner, decision):
        currency = self.company_id.currency_id
        order = self.order_id
        if self.decision == "release":
            return _(
                "%(order)s is released up to %(amount)s: %(salesperson)s can confirm it.",
                order=order.name,
                amount=format_amount(self.env, decision.released_amount, order.currency_id),
                salesperson=(order.credit_release_requested_by or order.user_id).name or _("the salesperson"),
            )
        if self.decision in LIMIT_DECISIONS:
            summary = _(
                "Credit limit of %(customer)s: %(before)s → %(after)s",
                customer=partner.name,
                before=format_amount(self.env, decision.limit_before, currency),
                after=format_amount(self.env, decision.limit_after, currency),
            )
            if self.decision == "limit_temporary":
                summary += " " + _("until %(date)s", date=format_date(self.env, decision.limit_end_date))
            if order and not order._credit_evaluate()[order.id]["releasable"]:
                summary += ". " + _("%(order)s can be confirmed.", order=order.name)
            return summary
        label = dict(self._fields["decision"]._description_selection(self.env))[self.decision]
        if order:
            return _("%(decision)s: %(order)s; the salesperson is told.", decision=label, order=order.name)
        return _("%(decision)s: %(customer)s.", decision=label, customer=partner.name)

    # One method per decision; each returns extra values for the history.
    def _apply_release(self, partner):
        """Released for this order as finance sees it: its customer, company and currency, up
        to its total (or, for a confirmed order, the new total requested for its increase)."""
        order = self.order_id
        amount = order.amount_total
        if order.state == "sale":
            amount = max(amount, order.credit_release_requested_amount)
        debtor, company, currency = order._credit_release_binding()
        order.sudo().write(
            {
                "credit_release_state": "released",
                "credit_released_amount": amount,
                "credit_released_partner_id": debtor.id,
                "credit_released_company_id": company.id,
                "credit_released_currency_id": currency.id,
            }
        )
        return {"released_amount": amount}

    def _apply_limit_temporary(self, partner):
        partner.write({"credit_limit_temporary": self.new_limit, "credit_limit_temporary_until": self.limit_end_date})
        self._close_request()
        return {"limit_end_date": self.limit_end_date}

    def _apply_limit_permanent(self, partner):
        partner.write({"credit_limit": self.new_limit})
        self._close_request()
        return {}

    def _apply_prepayment(self, partner):
        self.order_id.sudo().write(
            {"credit_release_state": "prepayment", "require_payment": True, "prepayment_percent": 1.0}
        )
        return {}

    def _apply_refuse(self, partner):
        self.order_id.sudo().credit_release_state = "refused"
        return {}

    def _apply_cash_in_advance(self, partner):
        partner.credit_cash_in_advance = True
        self._close_request()
        return {}

    def _apply_cash_in_advance_lifted(self, partner):
        partner.credit_cash_in_advance = False
        self._close_request()
        return {}

    def _close_request(self):
        """A decision on the customer answers the pending request of the order, if any."""
        if self.order_id.credit_release_state == "requested":
            self.order_id.sudo().credit_release_state = False

    def _post_decision(self, partner, decision):
        label = dict(self._fields["decision"]._description_selection(self.env))[self.decision]
        currency = self.company_id.currency_id
        body = Markup("<p><b>%s</b>: %s</p><p>%s</p>") % (
            _("Credit decision"),
            label,
            self.reason,
        )
        if self.decision in LIMIT_DECISIONS:
            body += Markup("<p>%s</p>") % _(
                "Limit: %(before)s → %(after)s",
                before=format_amount(self.env, decision.limit_before, currency),
                after=format_amount(self.env, decision.limit_after, currency),
            )
        if decision.released_amount:
            body += Markup("<p>%s</p>") % _(
                "Released up to %(amount)s for %(order)s.",
                amount=format_amount(self.env, decision.released_amount, self.order_id.currency_id),
                order=self.order_id.name,
            )
        # Finance may not edit contacts, and posting on a partner requires it.
        partner.sudo().message_post(body=body, subtype_xmlid="mail.mt_note", author_id=self.env.user.partner_id.id)
        order = self.order_id
        if order:
            salesperson = order.credit_release_requested_by | order.user_id
            order.message_post(body=body, partner_ids=salesperson.partner_id.ids, subtype_xmlid="mail.mt_note")
            order._credit_release_activities().action_feedback(feedback=label)
