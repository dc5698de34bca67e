import { _t } from "@web/core/l10n/translation";
import { Component } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardErrorDialogProps } from "@web/core/errors/error_dialogs";

/** A confirmation refused by the credit gate: everything that holds the order, and the
 * release request in one click when finance can release it. */
export class CreditHoldDialog extends Component {
    static template = "credit_control.CreditHoldDialog";
    static components = { Dialog };
    static props = { ...standardErrorDialogProps };

    setup() {
        this.actionService = useService("action");
        const data = this.props.data || {};
        const context = data.context || {};
        this.title = _t("Order on hold");
        this.message = (data.arguments && data.arguments[0]) || this.props.message;
        this.actionId = context.credit_action;
        this.buttonText = context.credit_button_text;
        this.additionalContext = context.credit_context;
    }

    async onClick() {
        await this.actionService.doAction(this.actionId, { additionalContext: this.additionalContext });
        this.props.close();
    }
}

registry
    .category("error_dialogs")
    .add("odoo.addons.credit_control.exceptions.CreditHoldError", CreditHoldDialog);
