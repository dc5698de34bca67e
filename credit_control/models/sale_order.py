from markupsafe import Markup

from odoo import SUPERUSER_ID, Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, float_compare, float_round, format_amount, format_date

from ..exceptions import CreditHoldError
from .res_partner import credit_order_book_condition

# Fields written only by the credit gate and finance's decisions (as superuser, after their
# own access checks): a user who could write them through RPC would skip the gate.
CREDIT_GATE_FIELDS = {
    "credit_release_state",
    "credit_released_amount",
    "credit_checked_amount",
    "credit_release_reason",
    "credit_release_requested_by",
    "credit_release_requested_date",
    "credit_release_requested_amount",
    "credit_released_partner_id",
    "credit_released_company_id",
    "credit_released_currency_id",
    "credit_intake_failed_rule_ids",
    "credit_customer_held",
}
# What a release is bound to: changing one of them voids it (the currency also follows the
# pricelist).
CREDIT_RELEASE_BINDING_TRIGGERS = {"partner_id", "partner_invoice_id", "company_id", "currency_id", "pricelist_id"}


class SaleOrder(models.Model):
    _inherit = "sale.order"

    credit_release_state = fields.Selection(
        [
            ("requested", "Release Requested"),
            ("released", "Released"),
            ("refused", "Refused"),
            ("prepayment", "Prepayment Requested"),
        ],
        string="Credit Release",
        copy=False,
        readonly=True,
        tracking=True,
    )
    credit_release_reason = fields.Text(string="Release Request Reason", copy=False, readonly=True)
    credit_release_requested_by = fields.Many2one("res.users", string="Release Requested By", copy=False, readonly=True)
    credit_release_requested_date = fields.Datetime(string="Release Requested On", copy=False, readonly=True)
    credit_release_requested_amount = fields.Monetary(
        string="Release Requested Up To",
        copy=False,
        readonly=True,
        help="Total up to which the release was requested: for a confirmed order, its total with the increase.",
    )
    credit_released_amount = fields.Monetary(
        string="Released Up To",
        copy=False,
        readonly=True,
        help="Finance released this order up to this total: a larger order is checked again.",
    )
    # What finance released: the release holds for this customer, company and currency only.
    credit_released_partner_id = fields.Many2one("res.partner", string="Released For", copy=False, readonly=True)
    credit_released_company_id = fields.Many2one("res.company", copy=False, readonly=True)
    credit_released_currency_id = fields.Many2one("res.currency", copy=False, readonly=True)
    credit_checked_amount = fields.Monetary(
        copy=False,
        readonly=True,
        help="Total of the order when it passed the credit check: if it grows, it is checked again.",
    )
    credit_amount_to_invoice = fields.Monetary(
        string="Credit Amount to Invoice",
        compute="_compute_credit_amount_to_invoice",
        store=True,
        help="What the order still weighs on the customer's credit: ordered and not yet "
        "invoiced, taxes included, whatever was delivered.",
    )
    credit_intake_failed_rule_ids = fields.Many2many(
        "credit.intake.rule",
        "sale_order_credit_intake_failed_rel",
        "order_id",
        "rule_id",
        string="Failed Intake Rules",
        copy=False,
        readonly=True,
        help="Intake rules this order failed when it was confirmed (alert rules) or held "
        "(portal signature, online payment).",
    )
    credit_customer_held = fields.Boolean(
        string="Held After Customer's Acceptance",
        copy=False,
        readonly=True,
        help="The customer signed or paid this quotation, and the gate held it: the portal page "
        "tells them what is awaited.",
    )
    credit_hold_message = fields.Text(string="Credit Hold", compute="_compute_credit_hold")
    credit_hold_blocking = fields.Boolean(compute="_compute_credit_hold")
    credit_hold_releasable = fields.Boolean(compute="_compute_credit_hold")
    credit_company_currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    credit_exposure = fields.Monetary(
        string="Customer Exposure",
        currency_field="credit_company_currency_id",
        compute="_compute_credit_hold",
        help="Open receivables and order book of the customer, plus this order.",
    )
    credit_limit_effective = fields.Monetary(
        string="Credit Limit",
        currency_field="credit_company_currency_id",
        compute="_compute_credit_hold",
    )

    def init(self):
        """The credit check reads the order book of a customer at every confirmation: from the
        index alone (the orders being confirmed are left out by their id), and only the orders
        left to invoice, not the customer's whole history of invoiced orders."""
        result = super().init()
        self.env.cr.execute(
            SQL(
                """
                CREATE INDEX IF NOT EXISTS sale_order_credit_book_idx
                    ON sale_order (partner_invoice_id, company_id)
                    INCLUDE (currency_id, credit_amount_to_invoice, id)
                 WHERE %s
                """,
                credit_order_book_condition("sale_order"),
            )
        )
        return result

    @api.depends(
        "order_line.price_total",
        "order_line.product_uom_qty",
        "order_line.is_downpayment",
        "order_line.invoice_lines.move_id.state",
        "order_line.invoice_lines.quantity",
        "order_line.invoice_lines.price_total",
    )
    def _compute_credit_amount_to_invoice(self):
        """Not yet invoiced by a posted invoice: a draft invoice is no receivable yet, so the
        order still counts it. A posted down payment is a receivable: it comes off the order
        until the final invoice deducts it (Odoo's qty_invoiced_posted)."""
        for order in self:
            amount = 0.0
            for line in order.order_line.filtered(lambda sol: not sol.display_type):
                if line.is_downpayment:
                    amount -= line._credit_posted_invoiced_total()
                elif line.product_uom_qty > 0:
                    remaining = max(line.product_uom_qty - line.qty_invoiced_posted, 0.0)
                    amount += line.price_total * remaining / line.product_uom_qty
            order.credit_amount_to_invoice = max(amount, 0.0)

    # ------------------------------------------------------------------
    # The gate: one evaluation, used to confirm, to warn and to hold
    # ------------------------------------------------------------------
    @api.depends(
        "partner_invoice_id",
        "partner_shipping_id",
        "team_id",
        "amount_total",
        "payment_term_id",
        "client_order_ref",
        "state",
    )
    @api.depends_context("company")
    def _compute_credit_hold(self):
        pending = self.filtered(lambda o: o.state in ("draft", "sent") and o.partner_invoice_id)
        evaluation = pending._credit_evaluate() if pending else {}
        for order in self:
            result = evaluation.get(order.id) or {}
            order.credit_hold_message = "\n".join(
                result.get("missing", []) + result.get("warnings", []) + result.get("reasons", [])
            )
            order.credit_hold_blocking = bool(result.get("blocking"))
            order.credit_hold_releasable = bool(result.get("releasable"))
            order.credit_exposure = result.get("exposure", 0.0)
            order.credit_limit_effective = result.get("limit", 0.0)

    def _credit_evaluate(self, lock=False, increase=None):
        """What the gate says of each order, without acting on it.

        A constant number of queries per company: the exposure of all the customers at once,
        and the company's intake rules (cached).
        With ``lock``, the customers' rows are locked by the same read, so that two
        transactions confirming orders of the same customer cannot both pass on the same
        exposure (res.partner._credit_gate_read).
        ``increase`` ({order id: amount in the order's currency}) evaluates orders as if
        their total grew by that amount (a release requested for a confirmed order's growth).

        :return: {order id: {missing, warnings, intake, reasons, blocking, alert, releasable,
            exposure, limit, overdue_invoices}}
        """
        results = {}
        rules = self.env["credit.intake.rule"]
        for company, company_orders in self.grouped("company_id").items():
            orders = company_orders.with_company(company)
            partners = self.env["res.partner"].with_company(company)
            by_order, facts = partners._credit_gate_read(company, orders, lock=lock)
            measured = [pid for pid, debtor in facts.items() if partners._credit_policy_of(debtor) != "none"]
            exposures = self._credit_exposures(company, orders, by_order, facts, measured)
            # No payment transaction (the gate read says so): nothing paid to read.
            paid = {
                order.id: by_order.get(order.id, (None, True))[1] and order._credit_is_paid_in_full()
                for order in orders
            }
            debtor_of = {order_id: read[0] for order_id, read in by_order.items()}
            intake = rules._evaluate_orders(
                orders, paid_in_full=paid, facts={order_id: facts[pid] for order_id, pid in debtor_of.items()}
            )
            for order in orders:
                debtor_id = debtor_of.get(order.id)
                results[order.id] = order._credit_evaluate_order(
                    exposures,
                    (increase or {}).get(order.id, 0.0),
                    intake[order.id],
                    paid[order.id],
                    debtor_id=debtor_id,
                    facts=facts.get(debtor_id),
                    immediate_term=by_order[order.id][2] if order.id in by_order else None,
                )
        return results

    @api.model
    def _credit_exposures(self, company, orders, by_order, facts, measured):
        """The exposure of the ``measured`` debtors, in the company currency, from the gate's
        read (res.partner._credit_gate_read): open receivables, the order book of their other
        confirmed orders, and ``orders`` as current. Only foreign currencies read rates."""

        def convert(currency_id, amount):
            if currency_id == debtor["company_currency_id"]:  # the company currency, read with the rest
                return float_round(amount or 0.0, precision_rounding=debtor["company_rounding"])
            return (
                self.env["res.currency"]
                .browse(currency_id)
                ._convert(amount or 0.0, company.currency_id, company, debtor["today"])
            )

        exposures = {}
        for pid in measured:
            debtor = facts[pid]
            exposures[pid] = {
                "receivable": debtor["receivable"],
                "oldest_due_date": debtor["oldest_due_date"],
                "order_book": sum(convert(cid, amount) for cid, amount in debtor["book"].items()),
                "current": 0.0,
                "overdue": 0,
                "not_due": 0,
                "overdue_count": 0,
                "today": debtor["today"],
                "rounding": debtor["company_rounding"],
                "overdue_days": debtor["company_overdue_days"],
            }
        for order in orders:
            exposure = exposures.get(by_order.get(order.id, (None,))[0])
            if exposure is not None:
                debtor = facts[by_order[order.id][0]]
                exposure["current"] += convert(order.currency_id.id, order.credit_amount_to_invoice)
        return exposures

    def _credit_evaluate_order(
        self,
        exposures,
        increase=0.0,
        intake=None,
        paid_in_full=None,
        *,
        debtor_id=None,
        facts=None,
        immediate_term=None,
    ):
        """``facts``: the debtor's credit fields as res.partner._credit_gate_read returns them;
        without them, they are read from the debtor."""
        self.ensure_one()
        partners = self.env["res.partner"].with_company(self.company_id)
        debtor = partners.browse(debtor_id) if debtor_id else self.partner_invoice_id.commercial_partner_id
        debtor = debtor.with_company(self.company_id)
        if paid_in_full is None:
            paid_in_full = self._credit_is_paid_in_full()
        if intake is None:
            intake = self.env["credit.intake.rule"]._evaluate_orders(self, {self.id: paid_in_full})[self.id]
        if facts is None:
            facts = debtor._credit_gate_facts()
        result = {
            "intake": intake,
            "missing": [item["message"] for item in intake if item["mode"] == "block"],
            "warnings": [item["message"] for item in intake if item["mode"] == "alert"],
            "reasons": [],
            "blocking": False,
            "alert": False,
            "releasable": False,
            "exposure": 0.0,
            "limit": partners._credit_limit_of(facts, facts["today"]),
            "overdue_invoices": [],
        }
        result["limit_applies"] = partners._credit_limit_applies_of(facts, result["limit"])
        exposure = exposures.get(debtor.id)
        if exposure and increase:
            added = self.currency_id._convert(
                increase, self.company_id.currency_id, self.company_id, fields.Date.context_today(self)
            )
            exposure = dict(exposure, current=exposure["current"] + added)
        if exposure:
            result["exposure"] = sum(exposure[key] for key in ("receivable", "order_book", "current"))
        if not (paid_in_full or self._credit_is_released(self.amount_total + increase)):
            hard_reasons = self._credit_cash_in_advance_reasons(debtor, facts["credit_cash_in_advance"], immediate_term)
            policy_reasons = (
                self._credit_policy_reasons(debtor, exposure, result["limit"], result["limit_applies"])
                if exposure
                else []
            )
            policy = partners._credit_policy_of(facts)
            result["reasons"] = hard_reasons + policy_reasons
            result["releasable"] = bool(hard_reasons or (policy_reasons and policy == "block"))
            result["alert"] = bool(policy_reasons) and policy == "alert"
        result["blocking"] = bool(result["missing"]) or result["releasable"]
        if result["reasons"]:
            currency = self.company_id.currency_id
            if exposure and exposure.get("oldest_due_date"):
                result["overdue_invoices"] = self._credit_overdue_invoices()
            if result["overdue_invoices"]:
                invoices = []
                for invoice in result["overdue_invoices"]:  # not a comprehension: _() reads the language here
                    invoices.append(
                        _(
                            "%(name)s, %(days)s days late, %(amount)s due",
                            name=invoice["name"],
                            days=invoice["days"],
                            amount=format_amount(self.env, invoice["residual"], invoice["currency"]),
                        )
                    )
                result["reasons"].append(_("Overdue invoices: %(invoices)s.", invoices="; ".join(invoices)))
            result["reasons"].append(
                _(
                    "Customer exposure with this order: %(exposure)s for a limit of %(limit)s.",
                    exposure=format_amount(self.env, result["exposure"], currency),
                    limit=format_amount(self.env, result["limit"], currency) if result["limit_applies"] else _("none"),
                )
            )
        return result

    def _credit_overdue_invoices(self, limit=10):
        """The customer's overdue invoices in the order's company, oldest first: what they
        owe is theirs to know, so the portal shows it too."""
        self.ensure_one()
        debtor = self.partner_invoice_id.commercial_partner_id
        today = fields.Date.context_today(self)
        invoices = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("commercial_partner_id", "=", debtor.id),
                    ("company_id", "=", self.company_id.id),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                    ("invoice_date_due", "<", today),
                ],
                order="invoice_date_due, id",
                limit=limit,
            )
        )
        return [
            {
                "id": invoice.id,
                "name": invoice.name,
                "days": (today - invoice.invoice_date_due).days,
                "residual": invoice.amount_residual,
                "currency": invoice.currency_id,
            }
            for invoice in invoices
        ]

    def _credit_cash_in_advance_reasons(self, debtor, cash_in_advance=None, immediate_term=None):
        """``cash_in_advance`` and ``immediate_term`` as the gate read them, else read here."""
        if cash_in_advance is None:
            cash_in_advance = debtor.sudo().credit_cash_in_advance
        if not cash_in_advance:
            return []
        if immediate_term is None:
            immediate_term = bool(self.payment_term_id) and self.payment_term_id._is_immediate()
        if not immediate_term:
            return [
                _(
                    "%(customer)s is on cash in advance: sell with an immediate payment term or have "
                    "the order paid online first.",
                    customer=debtor.name,
                )
            ]
        return []

    def _credit_policy_reasons(self, debtor, exposure, limit, limit_applies):
        """Over the limit, or an invoice overdue for too long: the reasons, with the figures
        (read in detail only then)."""
        total = sum(exposure[key] for key in ("receivable", "order_book", "current"))
        rounding = exposure.get("rounding") or self.company_id.currency_id.rounding
        over_limit = limit_applies and float_compare(total, limit, precision_rounding=rounding) > 0
        max_days = exposure["overdue_days"] if "overdue_days" in exposure else self.company_id.credit_overdue_days
        oldest = exposure["oldest_due_date"]
        today = exposure.get("today") or fields.Date.context_today(self)
        days_overdue = (today - oldest).days if oldest else 0
        overdue_hold = max_days and days_overdue > max_days
        if not (over_limit or overdue_hold):
            return []
        detail = debtor._get_credit_exposure(self.company_id, current_orders=self, detailed=True)[debtor.id]
        currency = self.company_id.currency_id
        reasons = []
        if over_limit:
            reasons.append(
                _(
                    "%(customer)s is %(excess)s over its credit limit: overdue %(overdue)s, not yet due "
                    "%(not_due)s, order book %(book)s, this order %(current)s.",
                    customer=debtor.name,
                    excess=format_amount(self.env, total - limit, currency),
                    overdue=format_amount(self.env, detail["overdue"], currency),
                    not_due=format_amount(self.env, detail["not_due"], currency),
                    book=format_amount(self.env, exposure["order_book"], currency),
                    current=format_amount(self.env, exposure["current"], currency),
                )
            )
        if overdue_hold:
            reasons.append(
                _(
                    "%(count)s invoice(s) overdue, the oldest by %(days)s days since %(date)s "
                    "(more than the %(max)s days allowed); overdue total %(overdue)s.",
                    count=detail["overdue_count"],
                    days=days_overdue,
                    date=format_date(self.env, oldest),
                    max=max_days,
                    overdue=format_amount(self.env, detail["overdue"], currency),
                )
            )
        return reasons

    def _credit_is_released(self, total=None):
        """Released by finance for this very order: the same customer, company and currency,
        and a total up to what was released."""
        self.ensure_one()
        total = self.amount_total if total is None else total
        return (
            self.credit_release_state == "released"
            and self._credit_release_binding() == self._credit_released_binding()
            and float_compare(total, self.credit_released_amount, precision_rounding=self.currency_id.rounding) <= 0
        )

    def _credit_release_binding(self):
        """What a release holds for: the debtor, the company and the currency of the order."""
        self.ensure_one()
        return (self.partner_invoice_id.commercial_partner_id, self.company_id, self.currency_id)

    def _credit_released_binding(self):
        self.ensure_one()
        return (self.credit_released_partner_id, self.credit_released_company_id, self.credit_released_currency_id)

    def _credit_is_paid_in_full(self):
        """An order paid in full online is cash in advance: it passes."""
        self.ensure_one()
        return bool(self.transaction_ids) and (
            float_compare(self.amount_paid, self.amount_total, precision_rounding=self.currency_id.rounding) >= 0
        )

    # ------------------------------------------------------------------
    # Confirmation: every channel writes state = 'sale'
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                self._check_credit_gate_fields(vals)
        orders = super().create(vals_list)
        orders.filtered(lambda o: o.state == "sale")._credit_check_confirmation(from_quotation=False)
        return orders

    def write(self, vals):
        if not self.env.su:
            self._check_credit_gate_fields(vals)
        confirming = self.filtered(lambda o: o.state != "sale") if vals.get("state") == "sale" else self.browse()
        bindings = {}
        if CREDIT_RELEASE_BINDING_TRIGGERS.intersection(vals):
            watched = self.filtered(lambda o: o.credit_release_state in ("released", "requested") or o.state == "sale")
            bindings = {order: order._credit_release_binding() for order in watched}
        totals = set(confirming.mapped("amount_total"))
        if confirming and confirming == self and len(totals) == 1 and len(confirming.currency_id) == 1:
            # What the gate records, written with the state: no second write (raised, rolled back).
            # One amount for orders in one currency only: a monetary field takes one currency a write.
            vals = {**vals, "credit_checked_amount": totals.pop()}
        result = super().write(vals)
        moved = self.browse(
            [order.id for order, binding in bindings.items() if order._credit_release_binding() != binding]
        )
        if vals.get("state") == "cancel":
            self.filtered("credit_release_state")._credit_void_release(_("the order was cancelled"))
        elif moved:
            moved.filtered("credit_release_state")._credit_void_release(
                _("its customer, company or currency changed since finance decided")
            )
        if confirming:
            confirming._credit_check_confirmation()
        # A confirmed order moved to another customer, company or currency is checked for it.
        moved.filtered(lambda o: o.state == "sale" and o not in confirming)._credit_check_confirmation(
            from_quotation=False
        )
        if "payment_term_id" in vals:
            self.filtered(lambda o: o.state == "sale" and o not in confirming | moved)._credit_check_payment_term()
        return result

    def _credit_check_payment_term(self):
        """A customer on cash in advance was let through on immediate terms: the confirmed order
        keeps them, or the invoice would grant the credit the gate refused."""
        for order in self:
            debtor = order.partner_invoice_id.commercial_partner_id.with_company(order.company_id)
            if order._credit_is_paid_in_full() or order._credit_is_released():
                continue
            reasons = order._credit_cash_in_advance_reasons(debtor)
            if reasons:
                self.env.invalidate_all()  # rolled back: no refused term left in the cache
                raise UserError(
                    "\n".join(
                        [
                            _("%(order)s is confirmed on immediate payment terms:", order=order.name),
                            *reasons,
                            _(
                                "%(finance)s can lift cash in advance from the customer's form.",
                                finance=order._credit_finance_label(),
                            ),
                        ]
                    )
                )

    def _credit_void_release(self, why):
        """A release, or a pending request, holds for the order as finance saw it: any change of
        what it is bound to, or a cancellation, voids it; finance's to-do is closed."""
        voided = self.filtered(lambda o: o.credit_release_state in ("released", "requested"))
        for order in voided:
            was_requested = order.credit_release_state == "requested"
            order._credit_release_activities().sudo().action_feedback(feedback=_("Request void: %(why)s.", why=why))
            order.sudo().write(
                {
                    "credit_release_state": False,
                    "credit_released_amount": 0.0,
                    "credit_release_requested_amount": 0.0,
                    "credit_released_partner_id": False,
                    "credit_released_company_id": False,
                    "credit_released_currency_id": False,
                }
            )
            body = (
                _("The credit release request is void: %(why)s. Ask finance again if needed.", why=why)
                if was_requested
                else _("The credit release is void: %(why)s. Ask finance again if needed.", why=why)
            )
            order.message_post(body=body, subtype_xmlid="mail.mt_note")

    def _credit_release_activities(self):
        """Finance's to-dos about the release of these orders, on their customers."""
        activity_type = self.env.ref("credit_control.mail_activity_credit_release")
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("activity_type_id", "=", activity_type.id),
                    ("res_model", "=", "res.partner"),
                    (
                        "res_id",
                        "in",
                        self.partner_invoice_id.commercial_partner_id.ids + self.credit_released_partner_id.ids,
                    ),
                ]
            )
        )
        return activities.filtered(lambda a: any(a.summary and f"{order.name} (" in a.summary for order in self))

    @api.model
    def _check_credit_gate_fields(self, vals):
        forbidden = CREDIT_GATE_FIELDS.intersection(vals)
        if forbidden:
            raise AccessError(
                _(
                    "The credit release of an order is decided by finance: fields %(fields)s "
                    "cannot be written directly.",
                    fields=", ".join(sorted(forbidden)),
                )
            )

    def _credit_check_confirmation(self, from_quotation=True, grown=False):
        """Refuse the orders the gate blocks; record the alerts; remember what passed.
        ``grown``: confirmed orders whose total grows."""
        if not self:
            return
        evaluation = self._credit_evaluate(lock=True)
        blocked = self.filtered(lambda o: evaluation[o.id]["blocking"])
        if blocked:
            self._credit_raise_blocked(blocked, evaluation, from_quotation, grown)
        for order in self:
            result = evaluation[order.id]
            if result["alert"]:
                order._credit_post_alert(result["reasons"])
            if not grown:  # a confirmed order that grows was recorded when confirmed
                if result["warnings"]:
                    order._credit_post_intake_alert(result)
                order._credit_record_failed_rules(result)
            if order.credit_checked_amount != order.amount_total:  # else written with the state
                order.sudo().credit_checked_amount = order.amount_total
        held = self.filtered("credit_customer_held")
        if held:
            held._credit_close_hold_todos()

    def _credit_close_hold_todos(self):
        """A held order confirmed at last: its salesperson's to-do is done."""
        self.sudo()._credit_hold_todos().action_feedback(feedback=_("The order is confirmed."))

    def _credit_hold_todos(self):
        todo_type = self.env.ref("credit_control.mail_activity_credit_order_held")
        return self.activity_ids.filtered(lambda a: a.activity_type_id == todo_type)

    def _credit_record_failed_rules(self, result):
        """Keep which intake rules the order failed at a confirmation attempt that went through
        (alert rules) or held it (portal, online payment)."""
        self.ensure_one()
        failed = {item["rule_id"] for item in result["intake"]}
        if failed:  # the recorded rules are read only when there is something to add
            failed -= set(self.credit_intake_failed_rule_ids.ids)
        if failed:
            self.sudo().credit_intake_failed_rule_ids = [Command.link(rule_id) for rule_id in sorted(failed)]

    def _credit_raise_blocked(self, blocked, evaluation, from_quotation, grown=False):
        error = self._credit_blocked_error(blocked, evaluation, from_quotation, grown)
        # The transaction is rolled back: callers that catch the error in a savepoint must
        # not keep the refused state in their cache.
        self.env.invalidate_all()
        raise error

    def _credit_hold_details(self, result):
        """Every missing item and every credit reason of one evaluation, as lines."""
        lines = []
        if result["missing"] or result["warnings"]:
            lines.append(_("To complete:"))
            lines += [f"- {message}" for message in result["missing"]]
            for message in result["warnings"]:  # not a comprehension: _() reads the language here
                lines.append(_("- %(item)s (alert only)", item=message))
        if result["reasons"]:
            lines.append(_("Credit:"))
            lines += [f"- {reason}" for reason in result["reasons"]]
        return lines

    def _credit_blocked_error(self, blocked, evaluation, from_quotation, grown=False):
        """One message with everything that holds the orders: incomplete data and credit
        reasons together, where to fix each, and who can release what finance may release."""
        lines = []
        for order in blocked[:20]:
            result = evaluation[order.id]
            if lines:
                lines.append("")
            lines += order._credit_blocked_lines(result, grown)
        if len(blocked) > 20:
            lines.append(_("... and %(count)s other orders.", count=len(blocked) - 20))
        order = blocked[0]
        result = evaluation[order.id]
        offer = (
            len(blocked) == 1
            and (from_quotation or grown)
            and result["releasable"]
            and order.credit_release_state != "requested"
        )
        if not offer:
            return CreditHoldError("\n".join(lines))
        context = {"default_order_id": order.id}
        if grown:
            context["default_requested_amount"] = order.amount_total
        return CreditHoldError(
            "\n".join(lines),
            self.env.ref("credit_control.credit_release_request_action").id,
            _("Request Credit Release"),
            context,
        )

    def _credit_blocked_lines(self, result, grown=False):
        self.ensure_one()
        finance = self._credit_finance_label()
        total = format_amount(self.env, self.amount_total, self.currency_id)
        incomplete = bool(result["missing"])
        if grown:
            header = _(
                "%(order)s is on credit hold: this change takes its total to %(total)s.", order=self.name, total=total
            )
            if not result["releasable"]:
                header = _(
                    "%(order)s cannot take this change (total %(total)s) until it is complete:",
                    order=self.name,
                    total=total,
                )
        elif incomplete and result["releasable"]:
            header = _("%(order)s cannot be confirmed: it is incomplete and on credit hold.", order=self.name)
        elif incomplete:
            header = _("%(order)s cannot be confirmed until it is complete:", order=self.name)
        else:
            header = _("%(order)s is on credit hold and cannot be confirmed:", order=self.name)
        lines = [header, *self._credit_hold_details(result)]
        if not result["releasable"]:
            return lines
        if self.credit_release_state == "requested":
            if grown:
                lines.append(
                    _(
                        "A release up to %(amount)s was requested: %(finance)s will decide; do this again once "
                        "released.",
                        amount=format_amount(self.env, self.credit_release_requested_amount, self.currency_id),
                        finance=finance,
                    )
                )
            else:
                lines.append(_("A release was requested: %(finance)s will decide.", finance=finance))
        elif grown:
            lines.append(
                _(
                    "%(finance)s can release the increase: request a release of %(order)s up to %(total)s "
                    "(Request Credit Release), then do this again once released.",
                    finance=finance,
                    order=self.name,
                    total=total,
                )
            )
        else:
            lines.append(_("%(finance)s can release it: ask for a release with a reason.", finance=finance))
        if incomplete:
            lines.append(_("A release does not complete the order: fix the items to complete as well."))
        return lines

    def _credit_post_alert(self, reasons):
        """Alert policy: the order goes through, the chatter keeps why, finance is told."""
        self.ensure_one()
        controller = self.company_id._get_credit_controller()
        self.message_post(
            body=Markup("<p>%s</p><ul>%s</ul>")
            % (
                _("Confirmed over the customer's credit limit (alert policy):"),
                Markup().join(Markup("<li>%s</li>") % reason for reason in reasons),
            ),
            partner_ids=controller.partner_id.ids,
            subtype_xmlid="mail.mt_note",
        )

    def _credit_post_intake_alert(self, result):
        """Alert intake rules: the order goes through, the chatter keeps what was missing, and
        finance is told, as for the credit alert."""
        self.ensure_one()
        controller = self.company_id._get_credit_controller()
        self.message_post(
            body=Markup("<p>%s</p><ul>%s</ul>")
            % (
                _("Confirmed with incomplete information (alert rules):"),
                Markup().join(Markup("<li>%s</li>") % item for item in result["warnings"]),
            ),
            partner_ids=controller.partner_id.ids,
            subtype_xmlid="mail.mt_note",
        )

    def _validate_order(self):
        """Portal signature: a held quotation stays signed, and people are told at once
        instead of the customer getting an error."""
        evaluation = self._credit_evaluate()
        held = self.filtered(lambda o: evaluation[o.id]["blocking"])
        for order in held:
            order._credit_notify_hold(evaluation[order.id])
        return super(SaleOrder, self - held)._validate_order()

    def _credit_notify_hold(self, result):
        """A quotation the customer accepted (signature, online payment) that the gate holds:
        it stays unconfirmed; the chatter says why, the salesperson gets a to-do listing the
        items (one, kept up to date), and the customer is told what is awaited."""
        self.ensure_one()
        controller = self.company_id._get_credit_controller()
        lines = result["missing"] + result["warnings"] + result["reasons"]
        items = Markup().join(Markup("<li>%s</li>") % line for line in lines)
        self.message_post(
            body=Markup("<p>%s</p><ul>%s</ul>")
            % (_("The customer accepted this quotation, but it is on hold and was not confirmed:"), items),
            partner_ids=(self.user_id.partner_id | controller.partner_id).ids,
            subtype_xmlid="mail.mt_note",
        )
        self._credit_record_failed_rules(result)
        self.sudo().credit_customer_held = True
        self._credit_schedule_hold_todo(items)
        self._credit_tell_customer()

    def _credit_schedule_hold_todo(self, items):
        """One to-do per held order for its salesperson (finance's controller when none): a
        retry updates it instead of adding another."""
        self.ensure_one()
        user = self.user_id or self.company_id._get_credit_controller()
        note = Markup("<p>%s</p><ul>%s</ul>") % (
            _("The customer accepted this order; fix what holds it, then confirm it:"),
            items,
        )
        order = self.sudo()
        existing = order._credit_hold_todos()[:1]
        if existing:
            existing.write({"note": note, "user_id": user.id or SUPERUSER_ID})
            return existing
        return order.activity_schedule(
            "credit_control.mail_activity_credit_order_held",
            summary=_("Held order: %(order)s", order=self.name),
            note=note,
            user_id=user.id or SUPERUSER_ID,
        )

    def _credit_customer_hold_items(self):
        """What the customer is told holds their order: the items they can give, payment of
        their own overdue invoices, prepayment; never the internal credit figures."""
        self.ensure_one()
        if self.state not in ("draft", "sent"):
            return []
        result = self._credit_evaluate()[self.id]
        if not result["blocking"]:
            return []
        items = []
        for item in result["intake"]:
            if item["customer_message"] not in items:
                items.append(item["customer_message"])
        if result["releasable"]:
            overdue = result["overdue_invoices"]
            if overdue:
                invoices = []
                for invoice in overdue:  # not a comprehension: _() reads the language here
                    invoices.append(_("%(name)s (%(days)s days late)", name=invoice["name"], days=invoice["days"]))
                items.append(_("Payment of your overdue invoices: %(invoices)s.", invoices=", ".join(invoices)))
            if self.credit_release_state == "prepayment" or not overdue:
                items.append(_("Prepayment of this order: pay it online from this page to have it confirmed at once."))
        return items

    def _credit_hold_contact(self):
        """Whom the customer contacts about a held order: its salesperson, else the company."""
        self.ensure_one()
        user = self.user_id.sudo()
        if user:
            return {"name": user.name, "email": user.email or self.company_id.email, "phone": user.phone}
        company = self.company_id.sudo()
        return {"name": company.name, "email": company.email, "phone": company.phone}

    def _credit_tell_customer(self):
        """Email the customer, in their language, what their held order awaits."""
        self.ensure_one()
        if not self._credit_customer_hold_items():
            return
        template = self.env.ref("credit_control.mail_template_credit_order_held", raise_if_not_found=False)
        if template and self.partner_id.email:
            self.sudo().message_post_with_source(template, subtype_xmlid="mail.mt_comment")

    def _credit_recheck_grown_orders(self):
        """A confirmed order whose total grows is checked again, for what it adds."""
        grown = self.filtered(
            lambda o: (
                o.state == "sale"
                and float_compare(o.amount_total, o.credit_checked_amount, precision_rounding=o.currency_id.rounding)
                > 0
            )
        )
        if grown:
            grown._credit_check_confirmation(from_quotation=False, grown=True)

    # ------------------------------------------------------------------
    # Release requests
    # ------------------------------------------------------------------
    def action_request_credit_release(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_control.credit_release_request_action")
        action["context"] = {"default_order_id": self.id}
        return action

    def _credit_request_release(self, reason, amount=0.0):
        """Ask finance to release this held quotation, or the growth of this confirmed order
        up to ``amount`` (its new total, in the order's currency)."""
        self.ensure_one()
        if not (reason or "").strip():
            raise UserError(_("Explain to finance why this order should be released."))
        if self.credit_release_state == "requested":
            raise UserError(
                _(
                    "A release of %(order)s up to %(amount)s was already requested: %(finance)s will decide.",
                    order=self.name,
                    amount=format_amount(self.env, self.credit_release_requested_amount, self.currency_id),
                    finance=self._credit_finance_label(),
                )
            )
        if self.state in ("draft", "sent"):
            amount = self.amount_total
            result = self._credit_evaluate()[self.id]
        elif self.state == "sale":
            rounding = self.currency_id.rounding
            if float_compare(amount or 0.0, self.amount_total, precision_rounding=rounding) <= 0:
                raise UserError(
                    _(
                        "%(order)s is confirmed: a release is for its increase. Give its new total, "
                        "above the current %(total)s.",
                        order=self.name,
                        total=format_amount(self.env, self.amount_total, self.currency_id),
                    )
                )
            result = self._credit_evaluate(increase={self.id: amount - self.amount_total})[self.id]
        else:
            raise UserError(
                _(
                    "Only a quotation, or the increase of a confirmed order, can be released; %(order)s is neither.",
                    order=self.name,
                )
            )
        if not result["releasable"]:
            raise UserError(
                _(
                    "%(order)s at %(amount)s is not on credit hold: go ahead, or complete it first.",
                    order=self.name,
                    amount=format_amount(self.env, amount, self.currency_id),
                )
            )
        debtor, company, currency = self._credit_release_binding()
        self.sudo().write(
            {
                "credit_release_state": "requested",
                "credit_release_reason": reason,
                "credit_release_requested_by": self.env.uid,
                "credit_release_requested_date": fields.Datetime.now(),
                "credit_release_requested_amount": amount,
                "credit_released_amount": 0.0,
                "credit_released_partner_id": debtor.id,
                "credit_released_company_id": company.id,
                "credit_released_currency_id": currency.id,
            }
        )
        controller = self.company_id._get_credit_controller()
        summary = _(
            "Credit release: %(order)s (%(amount)s)",
            order=self.name,
            amount=format_amount(self.env, amount, self.currency_id),
        )
        note = Markup("<p>%s</p><p>%s</p>") % (reason, Markup("<br/>").join(result["reasons"]))
        debtor.sudo().activity_schedule(
            "credit_control.mail_activity_credit_release",
            summary=summary,
            note=note,
            user_id=controller.id or self.env.uid,
        )
        self.message_post(
            body=Markup("<p>%s</p><p>%s</p>")
            % (
                _(
                    "Credit release up to %(amount)s requested from %(finance)s:",
                    amount=format_amount(self.env, amount, self.currency_id),
                    finance=self._credit_finance_label(),
                ),
                reason,
            ),
            subtype_xmlid="mail.mt_note",
        )

    def _credit_check_four_eyes(self):
        """Neither the salesperson of an order nor who asked for its release decides on it,
        even with finance's rights: they are told who can."""
        for order in self:
            involved = order.user_id | order.credit_release_requested_by
            if self.env.su or self.env.user not in involved:
                continue
            raise UserError(
                _(
                    "You are the salesperson of %(order)s or asked for its release: another member of finance "
                    "must decide on it: %(deciders)s.",
                    order=order.name,
                    deciders=order.company_id._credit_four_eyes_deciders(involved),
                )
            )

    def _credit_finance_label(self):
        """Who decides on the credit holds of the order's company, to name in messages."""
        self.ensure_one()
        controller = self.company_id._get_credit_controller()
        if controller:
            return _("%(name)s (finance)", name=controller.name)
        return _("finance (Credit Control group)")
