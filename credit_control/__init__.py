from . import models
from . import report
from . import wizards


def post_init_hook(env):
    """Companies that exist before the install get the standard dunning policy too."""
    companies = env["res.company"].search([])
    companies._credit_ensure_dunning_policy()
    env["credit.intake.rule"]._ensure_company_rules(companies)
