/** @odoo-module **/

import { registry } from "@web/core/registry";

// The data comes from the Python test (credit_control/tests/test_credit_tours.py). Steps use
// button and field names; the blocking dialog is found by its request button only, whatever
// its title.

// Tour 1: the salesperson confirms a quotation, is blocked, asks for a release and sees the
// request pending without reloading the page.
registry.category("web_tour.tours").add("credit_control_release_request", {
    steps: () => [
        {
            content: "The quotation is shown with its credit hold",
            trigger: ".o_form_view .alert-danger:contains(Credit hold)",
        },
        {
            content: "Confirm the quotation",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_confirm']",
            run: "click",
        },
        {
            content: "Blocked: the dialog offers the release request",
            trigger: ".modal button:contains(Request Credit Release)",
            run: "click",
        },
        {
            content: "Say why finance should release the order",
            trigger: ".modal .o_field_widget[name='reason'] textarea",
            run: "edit Payment announced for Friday, strategic customer",
        },
        {
            content: "Send the request to finance",
            trigger: ".modal button[name='action_request']",
            run: "click",
        },
        {
            content: "A notification says the request is with finance",
            trigger: ".o_notification:contains(is with)",
        },
        {
            content: "The quotation shows the request at once: ribbon",
            trigger: ".o_form_view .ribbon:contains(With Finance)",
        },
        {
            content: "... and the state of the release",
            trigger: ".o_form_view .o_field_widget[name='credit_release_state']:contains(Release Requested)",
        },
        {
            content: "The request button is gone",
            trigger:
                ".o_form_view .o_statusbar_buttons:not(:has(button[name='action_request_credit_release']))",
        },
    ],
});

// Tour 2, finance: opens the customer, decides a temporary raise, and is told what was done.
registry.category("web_tour.tours").add("credit_control_release_decision", {
    steps: () => [
        {
            content: "The customer's form says orders wait for a decision",
            trigger: ".o_form_view .alert-warning:contains(wait for a credit decision)",
        },
        {
            content: "Open the credit decision",
            trigger: ".o_form_view .o_form_statusbar button.btn-primary[name='action_open_credit_decision']",
            run: "click",
        },
        {
            content: "The wizard proposes the limit that lets the order through",
            trigger: ".modal .o_field_widget[name='limit_needed']:contains(1,300)",
        },
        {
            content: "Raise the limit for a while",
            trigger: ".modal .o_field_widget[name='decision'] select",
            run: 'select "limit_temporary"',
        },
        {
            content: "The proposed limit is filled in",
            trigger: ".modal .o_field_widget[name='new_limit'] input:value(1,300.00)",
        },
        {
            content: "Give the reason",
            trigger: ".modal .o_field_widget[name='reason'] textarea",
            run: "edit Festive season: orders double until the end of the month",
        },
        {
            content: "Apply",
            trigger: ".modal button[name='action_apply']",
            run: "click",
        },
        {
            content: "Finance is told what was done",
            trigger: ".o_notification:contains(can be confirmed)",
        },
        {
            content: "The customer is reloaded: no order waits any more",
            trigger: ".o_form_view:not(:has(.alert-warning:contains(wait for a credit decision)))",
        },
    ],
});

// Tour 2, salesperson: the quotation now goes through.
registry.category("web_tour.tours").add("credit_control_release_confirm", {
    steps: () => [
        {
            content: "No credit hold any more",
            trigger: ".o_form_view:not(:has(.alert-danger:contains(Credit hold)))",
        },
        {
            content: "Confirm the quotation",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_confirm']",
            run: "click",
        },
        {
            content: "It is a sales order",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Sales Order)",
        },
    ],
});
