from odoo.tools import SQL

from . import models
from . import report


def uninstall_hook(env):
    """The reductions point to the disputes: when dispute_tracking goes with this addon, its
    uninstall hook deletes the disputes after this one (dependents first)."""
    env.cr.execute(SQL("DELETE FROM commission_reduction WHERE dispute_id IS NOT NULL"))
