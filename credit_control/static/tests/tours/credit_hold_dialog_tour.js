import { registry } from "@web/core/registry";

// A blocked confirmation in the web client: the credit hold dialog, its title, every reason,
// and the release request it opens in one click.
registry.category("web_tour.tours").add("credit_control_hold_dialog", {
    steps: () => [
        {
            content: "Confirm the held quotation",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The dialog has a title of its own",
            trigger: ".modal .o_credit_hold_dialog",
        },
        {
            trigger: ".modal-title:contains('Order on hold')",
        },
        {
            content: "Incomplete data and credit reasons together",
            trigger: ".modal .o_credit_hold_dialog:contains('purchase order number'):contains('over its credit limit')",
        },
        {
            content: "Ask finance for a release",
            trigger: ".modal button.btn-primary:contains('Request Credit Release')",
            run: "click",
        },
        {
            content: "The release request opens",
            trigger: ".modal .o_form_view .o_field_widget[name='reason']",
        },
    ],
});
