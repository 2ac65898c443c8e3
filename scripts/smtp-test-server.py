#!/usr/bin/python3
"""A real SMTP server for erc's e-mail tests (Debian's python3-aiosmtpd), on a loopback port.

Stores every message it accepts as DIR/NNNN.eml and prints "PORT n" once it listens. Ways to
misbehave, each as a real server would:
  --tempfail-once        answer the first DATA for each recipient 451, later ones 250
  --reject ADDR          answer RCPT TO:<ADDR> 550 (repeatable)
  --slow ADDR:SECONDS    on DATA for ADDR, write DIR/receiving-ADDR, then wait before answering
  --delay SECONDS        wait this long before answering each DATA
"""
import argparse
import asyncio
import os
import signal
import socket
import sys
import time

from aiosmtpd.controller import Controller


class Handler:
    def __init__(self, folder, tempfail_once, reject, slow, delay):
        self.folder = folder
        self.tempfail_once = tempfail_once
        self.reject = set(reject)
        self.slow = slow
        self.delay = delay
        self.failed_once = set()
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.reject:
            return "550 5.1.1 <%s>: no such user here" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        recipient = envelope.rcpt_tos[0] if envelope.rcpt_tos else ""
        if self.tempfail_once and recipient not in self.failed_once:
            self.failed_once.add(recipient)
            return "451 4.3.0 try again later"
        if recipient in self.slow:
            with open(os.path.join(self.folder, "receiving-" + recipient), "w") as marker:
                marker.write(str(time.time()))
            await asyncio.sleep(self.slow[recipient])
        if self.delay:
            await asyncio.sleep(self.delay)
        self.count += 1
        name = os.path.join(self.folder, "%04d.eml" % self.count)
        with open(name + ".part", "wb") as out:
            out.write(("X-Envelope-To: %s\r\n" % ",".join(envelope.rcpt_tos)).encode())
            out.write(envelope.original_content)
        os.rename(name + ".part", name)
        return "250 2.0.0 message %d accepted" % self.count


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--tempfail-once", action="store_true")
    parser.add_argument("--reject", action="append", default=[])
    parser.add_argument("--slow", action="append", default=[])
    parser.add_argument("--delay", type=float, default=0)
    args = parser.parse_args()
    # Whatever its parent ignored, SIGTERM stops it.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    slow = {}
    for item in args.slow:
        address, seconds = item.rsplit(":", 1)
        slow[address] = float(seconds)
    os.makedirs(args.dir, exist_ok=True)
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    handler = Handler(args.dir, args.tempfail_once, args.reject, slow, args.delay)
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    print("PORT %d" % port, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    sys.exit(main())
