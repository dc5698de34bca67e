# The crons of the addons run the jobs' split while the bridge is installed, and their own
# batched code again once it is uninstalled.
CRON_CODES = {
    "credit_control.ir_cron_run_dunning": ("model._cron_run_dunning()", "model._cron_queue_dunning()"),
    "sales_commission_cash.ir_cron_generate_settlements": (
        "model._cron_generate_settlements()",
        "model._cron_queue_settlements()",
    ),
}


def _set_cron_codes(env, queued):
    for xmlid, (inline, queued_code) in CRON_CODES.items():
        cron = env.ref(xmlid, raise_if_not_found=False)
        if cron:
            cron.sudo().code = queued_code if queued else inline


def post_init_hook(env):
    _set_cron_codes(env, True)


def uninstall_hook(env):
    _set_cron_codes(env, False)
