"""Tools of the fault tests: the dunning job run in a real Odoo process of its own (that
the test may kill with SIGKILL after a given commit), and a minimal SMTP server on the
loopback interface that keeps what it receives."""

import os
import select
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading

import odoo

# Run by ``python3 -c`` with: config file, database, commit to pause after (0: none), steps.
# After the commit asked for, it prints PAUSED and waits: the test kills it there.
RUNNER = r"""
import sys

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry

config_file, db_name, pause_at, steps = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].split(",")
odoo.tools.config.parse_config(["-c", config_file, "-d", db_name, "--log-level=critical"])
registry = Registry(db_name)
commits = []
with registry.cursor() as cr:

    def after_commit():
        commits.append(1)
        if len(commits) == pause_at:
            print("PAUSED", flush=True)
            sys.stdin.readline()
        cr.precommit.add(rearm)  # counted again at the next commit

    def rearm():
        cr.postcommit.add(after_commit)

    cr.postcommit.add(after_commit)
    env = api.Environment(cr, SUPERUSER_ID, {})
    for step in steps:
        if step == "cron":
            env["credit.dunning.action"]._cron_run_dunning(batch_size=1, dispatch_batch_size=1)
        elif step == "mail":
            env["mail.mail"].process_email_queue()
        cr.commit()
print("DONE", flush=True)
"""


class DunningJob:
    """The dunning job in a process of its own, on the test's database."""

    def __init__(self, db_name, steps=("cron",), pause_at=0):
        config_file = os.path.abspath(odoo.tools.config.rcfile)
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [sys.executable, "-c", RUNNER, config_file, db_name, str(pause_at), ",".join(steps)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )

    def wait_for(self, word, timeout=60):
        """Block until the job prints ``word``; its log in the error otherwise."""
        ready, _w, _x = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline() if ready else ""
        if line.strip() != word:
            self.kill()
            self.log.seek(0)
            raise AssertionError(f"the dunning job did not say {word}: {line!r}\n{self.log.read().decode()[-3000:]}")

    def kill(self):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.proc.stdout.close()
        self.proc.stdin.close()
        self.log.close()

    def finish(self, timeout=60):
        self.wait_for("DONE", timeout)
        self.proc.wait(timeout=30)
        self.kill()


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: EHLO, MAIL, RCPT, DATA, QUIT."""

    def reply(self, text):
        self.wfile.write(f"{text}\r\n".encode())

    def handle(self):
        self.reply("220 sink ESMTP")
        recipients = []
        while line := self.rfile.readline():
            command = line.decode(errors="replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                self.reply("250-sink")
                self.reply("250 8BITMIME")
            elif verb == "MAIL":
                recipients = []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip().strip("<>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data.append(chunk)
                self.server.messages.append({"to": recipients, "data": b"".join(data)})
                self.reply("250 OK queued")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("250 OK")


class SmtpSink(socketserver.ThreadingTCPServer):
    """An SMTP server on 127.0.0.1 keeping the messages it receives; stop() ends it."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _SmtpHandler)
        self.messages = []
        self.port = self.server_address[1]
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.shutdown()
        self.server_close()
        self.thread.join(timeout=10)


def closed_port():
    """A loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
