import logging

from odoo.exceptions import UserError


class CreditHoldError(UserError):
    """A confirmation the gate refuses: a user's situation, not a fault. A UserError for RPC
    clients; the web client shows it in a dialog of its own (title, and the release request
    button when ``context`` carries its action). Logged at INFO, without traceback."""

    loglevel = logging.INFO

    def __init__(self, message, action=False, button_text=None, additional_context=None):
        super().__init__(message)
        self.context = (
            {"credit_action": action, "credit_button_text": button_text, "credit_context": additional_context or {}}
            if action
            else {}
        )

    @property
    def action(self):
        return self.context.get("credit_action", False)

    @property
    def additional_context(self):
        return self.context.get("credit_context", {})
