from odoo.tools import SQL

from . import models
from . import report
from . import wizards


def uninstall_hook(env):
    """The functions of the database made by account.partial.reconcile.init go with the addon."""
    for name in models.account_partial_reconcile.COMMISSION_FUNCTIONS:
        env.cr.execute(SQL("DROP FUNCTION IF EXISTS %s", SQL.identifier(name)))
