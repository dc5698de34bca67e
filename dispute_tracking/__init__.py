from odoo.tools import SQL

from odoo.addons.credit_control import _unlink_own_activities

from . import controllers
from . import models
from . import report


def uninstall_hook(env):
    """Odoo deletes the addon's reasons and departments before it drops its tables: the
    disputes and corrective actions that point to them go first, else their foreign keys
    refuse the deletions, logged as errors, and the records stay."""
    _unlink_own_activities(env, "dispute_tracking")
    env.cr.execute(SQL("DELETE FROM dispute_corrective_action"))
    env.cr.execute(SQL("DELETE FROM dispute_dispute"))
