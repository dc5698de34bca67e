from odoo import _, api, fields, models, tools
from odoo.exceptions import ValidationError

INTAKE_CHECKS = [
    ("payment_term", "Payment terms set"),
    ("address", "Complete invoice and delivery addresses"),
    ("delivery_owner", "Delivery address of the customer"),
    ("vat", "Tax ID of company customers"),
    ("invoice_email", "Email address for invoices"),
    ("client_ref", "Purchase order number when the customer requires it"),
]
# What a fresh install switches on: what the gate checked before rules existed.
INTAKE_DEFAULT_ACTIVE = {"client_ref"}
ADDRESS_FIELDS = ("street", "zip", "city", "country_id")
# The checks that read the customer's file (the others read the order): the data audit's.
PARTNER_CHECKS = ("address", "vat", "invoice_email")


class CreditIntakeRule(models.Model):
    _name = "credit.intake.rule"
    _description = "Order Intake Rule"
    _order = "company_id, sequence, id"

    name = fields.Char(compute="_compute_name")
    check = fields.Selection(INTAKE_CHECKS, required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(
        default=True, help="Only active rules are checked when an order is confirmed, whatever the channel."
    )
    mode = fields.Selection(
        [("alert", "Alert"), ("block", "Block")],
        required=True,
        default="block",
        help="Block: the order cannot be confirmed until it is complete. Alert: it is confirmed, "
        "and the chatter records what was missing.",
    )
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, ondelete="cascade")
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        ondelete="cascade",
        help="Empty: the rule applies to every order of the company. A team's rule replaces the "
        "company's rule of the same check for the orders of that team.",
    )
    country_ids = fields.Many2many(
        "res.country",
        string="Countries",
        help="Tax ID check only: the countries whose companies must give one. Empty: every country.",
    )
    description = fields.Text(compute="_compute_description")

    @api.depends("check", "team_id")
    def _compute_name(self):
        labels = dict(self._fields["check"]._description_selection(self.env))
        for rule in self:
            label = labels.get(rule.check, "")
            rule.name = f"{label} ({rule.team_id.name})" if rule.team_id else label

    @api.depends("check")
    def _compute_description(self):
        descriptions = {
            "payment_term": _(
                "The order has payment terms; a customer on cash in advance is sold with immediate "
                "payment terms or pays online first (the credit check refuses other terms)."
            ),
            "address": _("The invoice and delivery addresses have a street, a zip code, a city and a country."),
            "delivery_owner": _("The delivery address is one of the customer's own addresses."),
            "vat": _("A company customer has a tax ID (in the countries listed, or everywhere)."),
            "invoice_email": _("The invoice address has an email address to send the invoices to."),
            "client_ref": _(
                "A customer that requires its purchase order number has it in the Customer Reference of the order."
            ),
        }
        for rule in self:
            rule.description = descriptions.get(rule.check, "")

    @api.constrains("company_id", "team_id", "check", "active")
    def _check_scope(self):
        for rule in self:
            if not rule.company_id:
                raise ValidationError(
                    _("Rule '%(rule)s' needs a company: choose the company whose orders it checks.", rule=rule.name)
                )
            if rule.team_id.company_id and rule.team_id.company_id != rule.company_id:
                raise ValidationError(
                    _(
                        "Rule '%(rule)s': sales team %(team)s belongs to %(team_company)s, not to %(company)s.",
                        rule=rule.name,
                        team=rule.team_id.name,
                        team_company=rule.team_id.company_id.name,
                        company=rule.company_id.name,
                    )
                )
        domain = [("company_id", "in", self.company_id.ids), ("check", "in", self.mapped("check"))]
        existing = self.with_context(active_test=False).search(domain)
        for rule in self:
            twins = existing.filtered(
                lambda r, rule=rule: (
                    r != rule and (r.company_id, r.team_id, r.check) == (rule.company_id, rule.team_id, rule.check)
                )
            )
            if twins:
                raise ValidationError(
                    _(
                        "%(company)s already has the rule '%(rule)s': change that rule instead of adding another.",
                        company=rule.company_id.name,
                        rule=rule.name,
                    )
                )

    @api.constrains("country_ids", "check")
    def _check_countries(self):
        for rule in self:
            if rule.country_ids and rule.check != "vat":
                raise ValidationError(
                    _("Rule '%(rule)s': countries only restrict the tax ID rule; remove them.", rule=rule.name)
                )

    # ------------------------------------------------------------------
    # Reading the rules: once per company, cached until a rule changes
    # ------------------------------------------------------------------
    @api.model
    @tools.ormcache("company_id")
    def _get_company_rules_data(self, company_id):
        """The active rules of a company, as plain data:
        ((rule id, check, team id or False, mode, country ids), ...)."""
        rules = self.sudo().search([("company_id", "=", company_id)])
        return tuple((r.id, r.check, r.team_id.id, r.mode, tuple(r.country_ids.ids)) for r in rules)

    @api.model
    def _get_rules_for(self, company, team):
        """{check: (rule id, mode, country ids)}: the team's rule of a check replaces the company's."""
        applicable = {}
        for rule_id, check, team_id, mode, country_ids in self._get_company_rules_data(company.id):
            if team_id and team_id != team.id:
                continue
            if check in applicable and not team_id:
                continue
            applicable[check] = (rule_id, mode, country_ids)
        return applicable

    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        self.env.registry.clear_cache()
        if any(rule.active and rule.check in PARTNER_CHECKS for rule in rules):
            self.env["credit.intake.audit"]._refresh()
        return rules

    def write(self, vals):
        audited = "check" in vals or any(rule.check in PARTNER_CHECKS for rule in self)
        result = super().write(vals)
        self.env.registry.clear_cache()
        if audited and {"active", "check", "team_id", "company_id", "country_ids"}.intersection(vals):
            self.env["credit.intake.audit"]._refresh()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

    @api.model
    def _ensure_company_rules(self, companies, switched_on=None):
        """Every company gets one company-wide rule per check, so that switching one on is a
        click; ``switched_on`` ({company id: {check: mode}}) says which are on, else the defaults."""
        rules = self.sudo().with_context(active_test=False)
        existing = {
            (rule.company_id.id, rule.check)
            for rule in rules.search([("company_id", "in", companies.ids), ("team_id", "=", False)])
        }
        vals_list = []
        for company in companies:
            wanted = (switched_on or {}).get(company.id)
            for sequence, (check, __) in enumerate(INTAKE_CHECKS, start=1):
                if (company.id, check) in existing:
                    continue
                if wanted is None:
                    active, mode = check in INTAKE_DEFAULT_ACTIVE, "block"
                else:
                    active, mode = check in wanted, wanted.get(check, "block")
                vals_list.append(
                    {
                        "company_id": company.id,
                        "check": check,
                        "sequence": sequence * 10,
                        "active": active,
                        "mode": mode,
                    }
                )
        return rules.create(vals_list)

    # ------------------------------------------------------------------
    # Evaluation
    # ------------------------------------------------------------------
    @api.model
    def _evaluate_orders(self, orders, paid_in_full=None, facts=None):
        """What the active rules find on each order, without acting on it.

        :param paid_in_full: {order id: bool}; an order paid in full online needs no payment terms
        :param facts: {order id: its debtor's facts read by the gate (res.partner._credit_gate_read)}
        :return: {order id: [{rule_id, check, mode, message, customer_message}, ...]}
        """
        results = {}
        for order in orders:
            rules = self._get_rules_for(order.company_id, order.team_id)
            items = []
            for check, (rule_id, mode, country_ids) in rules.items():
                if check == "payment_term" and (paid_in_full or {}).get(order.id):
                    continue
                if check == "client_ref" and (facts or {}).get(order.id):
                    messages = self._check_order_client_ref(order, country_ids, facts[order.id])
                else:
                    messages = self._check_order(check, order, country_ids)
                for message in messages:
                    items.append(
                        {
                            "rule_id": rule_id,
                            "check": check,
                            "mode": mode,
                            "message": message,
                            "customer_message": self._customer_message(check, order),
                        }
                    )
            results[order.id] = items
        return results

    @api.model
    def _check_order(self, check, order, country_ids=()):
        """The messages of one check on one order, each saying where to fix it."""
        return getattr(self, f"_check_order_{check}")(order, country_ids)

    @api.model
    def _check_order_payment_term(self, order, country_ids):
        if order.payment_term_id:
            return []
        return [_("Payment terms are missing: set them on the order (Other Info) or on the customer's form.")]

    @api.model
    def _check_order_address(self, order, country_ids):
        messages = []
        for label, address in ((_("invoice"), order.partner_invoice_id), (_("delivery"), order.partner_shipping_id)):
            lacking = [address._fields[name].get_description(self.env)["string"] for name in ADDRESS_FIELDS]
            lacking = [text for name, text in zip(ADDRESS_FIELDS, lacking, strict=True) if not address[name]]
            if lacking:
                messages.append(
                    _(
                        "The %(kind)s address is incomplete: %(address)s has no %(fields)s; complete it on its "
                        "contact form.",
                        kind=label,
                        address=address.display_name or _("none"),
                        fields=", ".join(lacking).lower(),
                    )
                )
        return messages

    @api.model
    def _check_order_delivery_owner(self, order, country_ids):
        shipping = order.partner_shipping_id
        customer = order.partner_id.commercial_partner_id
        if not shipping or shipping.commercial_partner_id == customer:
            return []
        return [
            _(
                "The delivery address %(address)s is not an address of %(customer)s: choose one of the "
                "customer's addresses on the order, or add it to the customer's contacts.",
                address=shipping.display_name,
                customer=customer.display_name,
            )
        ]

    @api.model
    def _check_order_vat(self, order, country_ids):
        debtor = order.partner_invoice_id.commercial_partner_id
        in_scope = not country_ids or debtor.country_id.id in country_ids
        if not debtor.is_company or not in_scope or debtor.vat:
            return []
        return [_("The customer's tax ID is missing: enter it on the customer's form (%s).", debtor.name)]

    @api.model
    def _check_order_invoice_email(self, order, country_ids):
        if order.partner_invoice_id.email:
            return []
        return [
            _(
                "The invoice address %(address)s has no email address to send the invoices to: "
                "enter it on its contact form.",
                address=order.partner_invoice_id.display_name,
            )
        ]

    @api.model
    def _check_order_client_ref(self, order, country_ids, facts=None):
        if order.client_order_ref:
            return []
        if facts is not None:  # read by the gate with the rest
            requires_ref = facts["credit_require_client_ref"]
        else:
            requires_ref = order.partner_invoice_id.commercial_partner_id.credit_require_client_ref
        if not requires_ref:
            return []
        return [
            _(
                "This customer requires its purchase order number in the Customer Reference: "
                "enter it on the order (Other Info)."
            )
        ]

    @api.model
    def _customer_message(self, check, order):
        """What the customer is told is missing, in their words."""
        texts = {
            "payment_term": _("The payment terms of this order, to agree with us."),
            "address": _("A complete invoice and delivery address (street, zip code, city, country)."),
            "delivery_owner": _("A delivery address of your own company."),
            "vat": _("Your company's tax ID (VAT number)."),
            "invoice_email": _("An email address to send your invoices to."),
            "client_ref": _("Your purchase order number."),
        }
        return texts.get(check, "")

    def _partners_breaking(self, partners):
        """Which of these rules the data of each partner breaks, for the rules that read the
        customer's file only (not the order): set-based, for audits.

        :return: {partner id: credit.intake.rule recordset}
        """
        result = {}
        partner_checks = self.filtered(lambda r: r.check in ("address", "vat", "invoice_email"))
        for partner in partners.commercial_partner_id:
            broken = self.browse()
            for rule in partner_checks.filtered(lambda r, p=partner: r.company_id in (p.company_id or r.company_id)):
                if rule.check == "address" and not all(partner[name] for name in ADDRESS_FIELDS):
                    broken |= rule
                elif rule.check == "vat" and partner.is_company and not partner.vat:
                    if not rule.country_ids or partner.country_id in rule.country_ids:
                        broken |= rule
                elif rule.check == "invoice_email":
                    invoice = partner.child_ids.filtered(lambda c: c.type == "invoice")[:1] or partner
                    if not invoice.email:
                        broken |= rule
            if broken:
                result[partner.id] = broken
        return result
