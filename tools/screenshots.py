"""Takes the README's screenshots from a running Odoo (./dev screenshots starts it).

Headless Chromium is driven through the DevTools protocol (websocket-client, as Odoo's
own test browser does): each screen is opened as the demo user of its role, the script
waits for the view to be drawn, then saves a PNG.

    python3 tools/screenshots.py --url http://127.0.0.1:PORT --db DB --out docs/screenshots
"""

import argparse
import base64
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import requests
import websocket

# The screens of the README, in order. Each opens either a menu (its action) or a record
# by external id (in ``action`` when given, for its breadcrumbs and app menu); ``click``
# is clicked once the view is drawn (a tab); ``wait`` is what must be on screen before
# the picture is taken. A screen whose menu or record is missing is skipped.
SCREENS = [
    {
        "file": "cockpit.png",
        "title": "Cash cockpit",
        "login": "finance",
        "menu": "credit_control.menu_credit_cockpit",
        "wait": ".o_action_manager .o_view_controller",
    },
    {
        "file": "blocked_quotation.png",
        "title": "A quotation held for finance",
        "login": "demo",
        "action": "sale.action_quotations_with_onboarding",
        "record": "credit_control.sale_order_demo_block_held",
        "wait": ".o_form_view .o_form_sheet",
    },
    {
        "file": "partner_credit_tab.png",
        "title": "The customer's credit tab",
        "login": "finance",
        "action": "account.res_partner_action_customer",
        "record": "credit_control.partner_demo_block",
        "click": '.o_notebook_headers a[name="credit_control"]',
        "wait": '.o_notebook_headers a.active[name="credit_control"]',
    },
    {
        "file": "collector_day.png",
        "title": "The collector's day",
        "login": "accountant",
        "menu": "credit_control.menu_credit_dunning_agenda",
        "wait": ".o_action_manager .o_view_controller",
    },
    {
        "file": "commission_report.png",
        "title": "The commission report",
        "login": "sales_manager",
        "menu": "sales_commission_cash.menu_commission_report",
        "wait": ".o_action_manager .o_view_controller",
    },
]

CHROME_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--hide-scrollbars",
    "--remote-debugging-port=0",
]
# Drawn when no RPC is pending and no block UI is up.
IDLE_JS = "!document.querySelector('.o_blockUI, .o_loading_indicator, .o_view_sample_data.o_loading')"


class ScreenshotError(Exception):
    pass


class Odoo:
    """JSON-RPC to the server, one session per login."""

    def __init__(self, url, db):
        self.url, self.db = url.rstrip("/"), db

    def login(self, login, password=None):
        session = requests.Session()
        response = session.post(
            f"{self.url}/web/session/authenticate",
            json={"jsonrpc": "2.0", "params": {"db": self.db, "login": login, "password": password or login}},
            timeout=60,
        )
        response.raise_for_status()
        if not (response.json().get("result") or {}).get("uid"):
            raise ScreenshotError(f"cannot log in as {login!r} (password = login) in {self.db}")
        return session

    def call(self, session, model, method, *args, **kwargs):
        response = session.post(
            f"{self.url}/web/dataset/call_kw/{model}/{method}",
            json={"jsonrpc": "2.0", "params": {"model": model, "method": method, "args": args, "kwargs": kwargs}},
            timeout=60,
        )
        response.raise_for_status()
        body = response.json()
        if "error" in body:
            raise ScreenshotError(body["error"]["data"]["message"])
        return body["result"]

    def xmlid(self, session, xmlid):
        """(model, id) of an external id, or None when it does not exist."""
        module, name = xmlid.split(".", 1)
        rows = self.call(
            session, "ir.model.data", "search_read", [("module", "=", module), ("name", "=", name)], ["model", "res_id"]
        )
        return (rows[0]["model"], rows[0]["res_id"]) if rows else None

    def screen_path(self, admin, screen):
        """The web client's path of a screen, or None when its menu or record is missing."""
        if "menu" in screen:
            found = self.xmlid(admin, screen["menu"])
            if not found:
                return None
            menu = self.call(admin, "ir.ui.menu", "read", [found[1]], ["action"])[0]
            if not menu["action"]:
                return None
            return f"/odoo/action-{menu['action'].split(',')[1]}"
        found = self.xmlid(admin, screen["record"])
        if not found:
            return None
        return f"/odoo/action-{screen['action']}/{found[1]}" if "action" in screen else f"/odoo/{found[0]}/{found[1]}"


class Chromium:
    """A headless Chromium and its first page, spoken to over the DevTools protocol."""

    def __init__(self, executable, width, height):
        self.profile = tempfile.mkdtemp(prefix="odoo_screenshots_")
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            [executable, *CHROME_FLAGS, f"--user-data-dir={self.profile}", f"--window-size={width},{height}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port = self._devtools_port()
        targets = requests.get(f"http://127.0.0.1:{port}/json/list", timeout=10).json()
        page = next(target for target in targets if target["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30, suppress_origin=True)
        self.ids = itertools.count(1)
        self.send("Page.enable")
        self.send("Network.enable")
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)

    def _devtools_port(self):
        port_file = Path(self.profile, "DevToolsActivePort")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if port_file.exists() and port_file.read_text().strip():
                return int(port_file.read_text().split()[0])
            if self.process.poll() is not None:
                raise ScreenshotError(f"Chromium exited with code {self.process.returncode}")
            time.sleep(0.1)
        raise ScreenshotError("Chromium did not open its DevTools port")

    def send(self, method, **params):
        request_id = next(self.ids)
        self.ws.send(json.dumps({"id": request_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == request_id:
                if "error" in message:
                    raise ScreenshotError(f"{method}: {message['error']['message']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise ScreenshotError(f"{expression}: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    def wait_for(self, expression, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.evaluate(f"!!({expression})"):
                return
            time.sleep(0.25)
        raise ScreenshotError(f"timed out waiting for {expression}")

    def set_session(self, url, session_id):
        self.send("Network.clearBrowserCookies")
        self.send("Network.setCookie", name="session_id", value=session_id, domain=urlparse(url).hostname, path="/")

    def goto(self, url):
        self.send("Page.navigate", url=url)
        self.wait_for("document.readyState === 'complete'")

    def screenshot(self, path):
        data = self.send("Page.captureScreenshot", format="png")["data"]
        Path(path).write_bytes(base64.b64decode(data))

    def close(self):
        try:
            self.ws.close()
        finally:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            shutil.rmtree(self.profile, ignore_errors=True)


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    raise ScreenshotError("Chromium not found: install it with ./dev install (as root)")


def take(odoo, browser, admin, screen, out):
    path = odoo.screen_path(admin, screen)
    if not path:
        target = screen.get("menu") or screen.get("record")
        print(f"skipped {screen['file']} ({screen['title']}): {target} does not exist in {odoo.db}")
        return False
    session = odoo.login(screen["login"])
    browser.set_session(odoo.url, session.cookies["session_id"])
    browser.goto(f"{odoo.url}{path}")
    if browser.evaluate("!!document.querySelector('.oe_login_form')"):
        raise ScreenshotError(f"{screen['file']}: the login page is shown instead of {path}")
    browser.wait_for(f"document.querySelector('.o_action_manager .o_view_controller') && {IDLE_JS}")
    if screen.get("click"):
        browser.wait_for(f"document.querySelector({json.dumps(screen['click'])})")
        browser.evaluate(f"document.querySelector({json.dumps(screen['click'])}).click()")
    browser.wait_for(f"document.querySelector({json.dumps(screen['wait'])}) && {IDLE_JS}")
    time.sleep(1.5)  # fonts, avatars and charts finish drawing
    browser.evaluate("document.activeElement && document.activeElement.blur()")
    browser.screenshot(out / screen["file"])
    print(f"saved {out / screen['file']} ({screen['title']}, as {screen['login']}, {path})")
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--admin-password", default=os.environ.get("ODOO_ADMIN_PASSWORD", "admin"))
    parser.add_argument("--size", default="1440x900")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    width, height = (int(value) for value in args.size.split("x"))
    odoo = Odoo(args.url, args.db)
    admin = odoo.login("admin", args.admin_password)
    browser = Chromium(find_chromium(), width, height)
    try:
        taken = [take(odoo, browser, admin, screen, out) for screen in SCREENS]
    finally:
        browser.close()
    print(f"{sum(taken)} screenshots saved in {out}, {taken.count(False)} skipped")


if __name__ == "__main__":
    try:
        main()
    except ScreenshotError as error:
        sys.exit(f"ERROR: {error}")
