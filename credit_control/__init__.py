from odoo.tools import SQL

from . import models
from . import report
from . import wizards


def post_init_hook(env):
    """Companies that exist before the install get the standard dunning policy too."""
    companies = env["res.company"].search([])
    companies._credit_ensure_dunning_policy()
    env["credit.intake.rule"]._ensure_company_rules(companies)


def _unlink_own_activities(env, module):
    """The to-dos of the module's activity types: Odoo deletes the types at uninstall, which
    the to-dos pointing to them would refuse (the type stays, its to-dos with it)."""
    types = env["ir.model.data"].search([("module", "=", module), ("model", "=", "mail.activity.type")])
    env["mail.activity"].sudo().with_context(active_test=False).search(
        [("activity_type_id", "in", types.mapped("res_id"))]
    ).unlink()


def uninstall_hook(env):
    """Odoo deletes the addon's records (dunning policies and stages, activity types) before
    it drops its tables: the actions and to-dos that point to them go first, else their
    foreign keys refuse the deletions, logged as errors, and the records stay."""
    _unlink_own_activities(env, "credit_control")
    env.cr.execute(SQL("DELETE FROM credit_dunning_action"))
    env.cr.execute(SQL("DROP FUNCTION IF EXISTS credit_control_gate_read"))  # res.partner.init
