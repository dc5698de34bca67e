"""Who can do what: every model of the suite x every role x read / write / create / delete, as
designed. README.md's "Who can do what" mirrors MATRIX.

Each cell reads read, write, create, delete: ``A`` on all the records of the user's companies,
``O`` on the user's own only (a salesperson's customers, orders and commissions; the disputes
routed to a department user's departments; the decisions on a salesperson's orders), ``-``
not at all, ``.`` not applicable (wizards are created, then used by their creator only).
Whatever the cell, no user reads the records of a company they are not in."""

from access_common import ROLES, AccessCommon

from odoo.exceptions import AccessError
from odoo.tests import tagged

OPERATIONS = ("read", "write", "create", "unlink")
COLUMNS = list(ROLES)

# fmt: off
MATRIX = {
    # model                       salesperson sales_manager accountant finance department auditor internal portal public
    "credit.decision":            ["O---", "----", "----", "A-A-", "----", "A---", "----", "----", "----"],
    "credit.dunning.policy":      ["A---", "A---", "A---", "AAAA", "----", "A---", "----", "----", "----"],
    "credit.dunning.stage":       ["A---", "A---", "A---", "AAAA", "----", "A---", "----", "----", "----"],
    "credit.dunning.action":      ["O---", "A---", "AAA-", "AAA-", "----", "A---", "----", "----", "----"],
    "credit.dunning.invoice.stage": ["O---", "A---", "A---", "AAAA", "----", "A---", "----", "----", "----"],
    "credit.aged.balance":        ["O---", "A---", "A---", "A---", "----", "A---", "----", "----", "----"],
    "credit.dunning.forecast":    ["O---", "A---", "A---", "A---", "----", "A---", "----", "----", "----"],
    "credit.release.request":     ["..A.", "..A.", "..A.", "..A.", "....", "....", "....", "....", "...."],
    "credit.aged.balance.date":   ["..A.", "..A.", "..A.", "..A.", "....", "..A.", "....", "....", "...."],
    "credit.decision.wizard":     ["....", "....", "....", "..A.", "....", "....", "....", "....", "...."],
    "credit.intake.rule":         ["A---", "AAAA", "A---", "AAAA", "----", "A---", "----", "----", "----"],
    "credit.lead.time.report":    ["O---", "A---", "----", "A---", "----", "----", "----", "----", "----"],
    "credit.intake.audit":        ["O---", "A---", "----", "A---", "----", "----", "----", "----", "----"],
    "dispute.dispute":            ["OOA-", "AAA-", "AAA-", "AAAA", "OOA-", "A---", "----", "----", "----"],
    "dispute.reason":             ["A---", "A---", "A---", "AAAA", "A---", "A---", "A---", "----", "----"],
    "dispute.department":         ["A---", "A---", "A---", "AAAA", "A---", "A---", "A---", "----", "----"],
    "dispute.report":             ["O---", "A---", "A---", "A---", "O---", "A---", "----", "----", "----"],
    "dispute.corrective.action":  ["----", "----", "----", "AAAA", "O---", "A---", "----", "----", "----"],
    "commission.plan":            ["A---", "AAAA", "----", "----", "----", "----", "----", "----", "----"],
    "commission.plan.tier":       ["A---", "AAAA", "----", "----", "----", "----", "----", "----", "----"],
    "commission.line":            ["O---", "A---", "----", "----", "----", "----", "----", "----", "----"],
    "commission.settlement":      ["O---", "AAAA", "----", "----", "----", "----", "----", "----", "----"],
    "commission.split":           ["O---", "AAAA", "A---", "A---", "----", "A---", "----", "----", "----"],
    "commission.report":          ["O---", "A---", "----", "----", "----", "----", "----", "----", "----"],
    "commission.export.wizard":   ["..A.", "..A.", "....", "....", "....", "....", "....", "....", "...."],
    "commission.split.wizard":    ["....", "..A.", "....", "....", "....", "....", "....", "....", "...."],
    "commission.settlement.generate": ["....", "..A.", "....", "....", "....", "....", "....", "....", "...."],
    "credit.cockpit":             ["----", "A---", "----", "A---", "----", "A---", "----", "----", "----"],
    "credit.cockpit.exposure":    ["----", "A---", "----", "A---", "----", "A---", "----", "----", "----"],
    "credit.cockpit.overdue.month": ["----", "A---", "----", "A---", "----", "A---", "----", "----", "----"],
    "credit.payment.behaviour":   ["----", "----", "A---", "A---", "----", "A---", "----", "----", "----"],
    "credit.payment.behaviour.month": ["----", "----", "A---", "A---", "----", "A---", "----", "----", "----"],
    "credit.insurance.cover":     ["----", "A---", "A---", "AAA-", "----", "A---", "----", "----", "----"],
    "credit.cash.forecast":       ["O---", "A---", "A---", "A---", "----", "A---", "----", "----", "----"],
    "credit.application":         ["OOA-", "A-A-", "A---", "AAA-", "----", "A---", "----", "----", "----"],
    "credit.collector.worklist":  ["----", "----", "A---", "A---", "----", "A---", "----", "----", "----"],
    "credit.collector.assign":    ["....", "....", "....", "..A.", "....", "....", "....", "....", "...."],
}
# Fields the suite adds to Odoo's models, read (R) or not (-) on the user's own records.
FIELD_MATRIX = {
    # field                                   salesperson sales_manager accountant finance department auditor internal
    "res.partner.credit_exposure":            ["-", "-", "R", "R", "-", "R", "-"],
    "res.partner.credit_aged_total":          ["-", "-", "R", "R", "-", "R", "-"],
    "res.partner.credit_open_balances":       ["-", "-", "R", "R", "-", "R", "-"],
    "res.partner.credit_grade":               ["R", "R", "R", "R", "R", "R", "R"],
    "res.partner.credit_proposed_limit":      ["-", "-", "R", "R", "-", "R", "-"],
    "res.partner.credit_payment_behaviour_ids": ["-", "-", "R", "R", "-", "R", "-"],
    "sale.order.credit_exposure":             ["R", "R", "R", "R", "-", "R", "-"],
    "account.move.commission_split_ids":      ["R", "R", "R", "R", "-", "R", "-"],
    "credit.cockpit.commission_waiting":      ["-", "R", "-", "-", "-", "-", "-"],
    "res.partner.credit_exposure_above_cover": ["-", "-", "R", "R", "-", "R", "-"],
}
# fmt: on


@tagged("post_install", "-at_install")
class TestAccessMatrix(AccessCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["credit.payment.behaviour"]._compute_payment_behaviour()
        # The customers have no address: with the address rule on, each is in the data audit.
        cls.env["credit.intake.rule"].with_context(active_test=False).search(
            [
                ("check", "=", "address"),
                ("team_id", "=", False),
                ("company_id", "in", (cls.company_a | cls.company_b).ids),
            ]
        ).write({"active": True, "mode": "alert"})
        cls.targets = {side: cls._targets(side) for side in ("own", "other", "b")}

    @classmethod
    def _paid_in_full(cls, company, customer):
        """The month row of an invoice of ``customer`` paid in full today."""
        env = cls.env(context=dict(cls.env.context, allowed_company_ids=company.ids))
        invoice = cls._create_invoice(env, customer, customer.user_id, 300.0, cls.today)
        env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {}
        )._create_payments()
        return env["credit.payment.behaviour.month"].search(
            [("company_id", "=", company.id), ("partner_id", "=", customer.id)]
        )

    @classmethod
    def _invoice_stage(cls, invoice, policy):
        """The dunning stage of the invoice (set as the run would)."""
        if not invoice.dunning_invoice_stage_ids:
            invoice.dunning_stage_id = policy.stage_ids[:1]
        return invoice.dunning_invoice_stage_ids

    @classmethod
    def _targets(cls, side):
        """{model: record} of one side: own and other in company A, or company B's own."""
        company, key = (cls.company_b, "own") if side == "b" else (cls.company_a, side)
        records = cls.records["b" if side == "b" else "a"]
        documents = records[key]
        customer, invoice = documents["res.partner"], documents["account.move"]
        policy = cls.env["credit.dunning.policy"]._get_company_default(company)
        targets = {model: record for model, record in documents.items() if record._name == model}
        targets |= {
            "commission.plan": records["commission.plan"],
            "commission.plan.tier": records["commission.plan.tier"],
            "credit.dunning.policy": policy,
            "credit.dunning.stage": policy.stage_ids[:1],
            "credit.dunning.invoice.stage": cls._invoice_stage(invoice, policy),
            "credit.intake.rule": cls.env["credit.intake.rule"]
            .with_context(active_test=False)
            .search(
                [
                    ("company_id", "=", company.id),
                    ("team_id", "=", False),
                    ("check", "=", "vat" if key == "other" else "address"),
                ]
            ),
            "credit.aged.balance": cls.env["credit.aged.balance"].search([("partner_id", "=", customer.id)]),
            "credit.dunning.forecast": cls.env["credit.dunning.forecast"]
            .with_context(allowed_company_ids=company.ids)
            .search([("move_id", "=", invoice.id)]),
            "credit.lead.time.report": cls.env["credit.lead.time.report"].search(
                [("order_id", "=", documents["sale.order"].id)]
            ),
            "credit.intake.audit": cls.env["credit.intake.audit"].search(
                [("company_id", "=", company.id), ("partner_id", "=", customer.id)]
            ),
            "dispute.report": cls.env["dispute.report"].search([("dispute_id", "=", documents["dispute.dispute"].id)]),
            "commission.report": cls.env["commission.report"].search(
                [("move_id", "=", invoice.id), ("user_id", "=", documents["commission.split"].user_id.id)], limit=1
            ),
            # One row per company: the same for the own and the other side.
            "credit.cockpit": cls.env["credit.cockpit"].search([("company_id", "=", company.id)]),
            "credit.cockpit.exposure": cls.env["credit.cockpit.exposure"].search(
                [("company_id", "=", company.id), ("partner_id", "=", customer.id)]
            ),
            "credit.cockpit.overdue.month": cls.env["credit.cockpit.overdue.month"].search(
                [("company_id", "=", company.id)], limit=1
            ),
            "credit.payment.behaviour": cls.env["credit.payment.behaviour"].search(
                [("company_id", "=", company.id), ("partner_id", "=", customer.commercial_partner_id.id)]
            ),
            "credit.cash.forecast": cls.env["credit.cash.forecast"]
            .with_context(allowed_company_ids=company.ids)
            .search([("move_id", "=", invoice.id), ("measure", "=", "expected")]),
            "credit.payment.behaviour.month": cls._paid_in_full(company, customer),
            # the customer's contact planned today (access_common) puts it on the day's list
            "credit.collector.worklist": cls.env["credit.collector.worklist"]
            .with_context(allowed_company_ids=company.ids)
            .search([("company_id", "=", company.id), ("partner_id", "=", customer.commercial_partner_id.id)]),
        }
        if side != "b":  # shared between companies
            targets["dispute.reason"] = cls.reason_own if side == "own" else cls.reason_other
            targets["dispute.department"] = cls.department_own if side == "own" else cls.department_other
        return targets

    def _allowed(self, record, user, operation):
        try:
            record.with_user(user).check_access(operation)
        except AccessError:
            return False
        return True

    def _observe(self, model, user):
        """The cell the access rights give ``user`` on ``model``."""
        Model = self.env[model]
        cell = ""
        for operation in OPERATIONS:
            if Model._transient and operation != "create":
                cell += "."
            elif operation == "create" or Model._transient:
                allowed = self._allowed(Model.browse(), user, "create")
                cell += "A" if allowed else ("." if Model._transient else "-")
            else:
                own, other = (self._allowed(self.targets[side][model], user, operation) for side in ("own", "other"))
                cell += "A" if own and other else "O" if own else "-"
        return cell

    def test_targets_exist(self):
        for side, targets in self.targets.items():
            for model, record in targets.items():
                self.assertEqual(len(record), 1, f"{side} {model}")

    def test_models_of_the_suite_are_all_in_the_matrix(self):
        suite_models = {
            model.model
            for model in self.env["ir.model"].search([])
            if set(model.modules.split(", ")) & {"credit_control", "dispute_tracking", "sales_commission_cash"}
            and model.model in self.env
            and not self.env[model.model]._abstract  # no records: nothing to grant (credit.customer.mixin)
            and self.env[model.model]._original_module
            in ("credit_control", "dispute_tracking", "sales_commission_cash")
        }
        missing = suite_models - set(MATRIX) - {"commission.split.wizard.line"}
        self.assertFalse(missing, "models without a line in the matrix")

    def test_access_matrix(self):
        differences = []
        observed = {}
        for model, cells in MATRIX.items():
            observed[model] = [self._observe(model, self.users[role]) for role in COLUMNS]
            for role, expected, got in zip(COLUMNS, cells, observed[model], strict=True):
                if expected != got:
                    differences.append(f"{model} x {role}: designed {expected}, got {got}")
        table = "\n".join(f"{model}: {cells}" for model, cells in observed.items())
        self.assertFalse(differences, "\n".join(differences) + "\n\nobserved:\n" + table)

    def test_salesperson_reads_the_exposure_on_own_quotation(self):
        """The customer's figures the partner hides from salespeople are on their quotations."""
        order = self.targets["own"]["sale.order"]
        as_salesperson = order.with_user(self.users["salesperson"])
        self.assertEqual(as_salesperson.credit_exposure, order.credit_exposure)
        self.assertEqual(as_salesperson.credit_limit_effective, order.credit_limit_effective)

    def test_no_role_reads_another_company(self):
        leaks = []
        for role, user in self.users.items():
            for model, record in self.targets["b"].items():
                if not self.env[model]._transient and self._allowed(record, user, "read"):
                    leaks.append(f"{role} reads {model} of company B")
        self.assertFalse(leaks, "\n".join(leaks))

    def test_fields_matrix(self):
        differences = []
        own = self.targets["own"]
        for path, cells in FIELD_MATRIX.items():
            model, fname = path.rsplit(".", 1)
            for role, expected in zip(COLUMNS, cells, strict=False):
                record = own[model].with_user(self.users[role])
                record.invalidate_recordset()
                try:
                    record.read([fname])
                    got = "R"
                except AccessError:
                    got = "-"
                if got != expected:
                    differences.append(f"{path} x {role}: designed {expected}, got {got}")
        self.assertFalse(differences, "\n".join(differences))
