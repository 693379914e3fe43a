"""Start moto in server mode on 127.0.0.1 with moto_ext applied in-process.

    python test/deploy/server.py [--port N] [--port-file PATH]

Port 0 (the default) picks a free port. The chosen port is printed as `PORT=<n>` and written to --port-file.
Runs until SIGTERM / SIGINT. Binds to the loopback address only.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import moto_ext  # noqa: E402  (raises on a moto version mismatch)

moto_ext.apply()

from moto.server import ThreadedMotoServer  # noqa: E402


def start(port: int = 0) -> tuple[ThreadedMotoServer, int]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    host, bound = server.get_host_and_port()
    assert host == "127.0.0.1", host
    moto_ext.SELF_ENDPOINT = f"http://127.0.0.1:{bound}"  # custom resources' functions call the server back
    return server, bound


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file")
    args = parser.parse_args()
    server, port = start(args.port)
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write(str(port))
        os.replace(args.port_file + ".tmp", args.port_file)
    print(f"PORT={port}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    server.stop()


if __name__ == "__main__":
    main()
