from . import models
from . import report
from . import wizards


def post_init_hook(env):
    """Companies that exist before the install get the standard dunning policy too."""
    env["res.company"].search([])._credit_ensure_dunning_policy()
