"""`newswire run`, `worker` and `broker`: start the pipeline's processes."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time

from newswire.cli.common import DEMO_DIR, is_ready
from newswire.cli.common import err as _err
from newswire.cli.fleet import Fleet
from pipeline.settings import get_settings


def cmd_broker(args: argparse.Namespace) -> int:
    from pipeline.broker import EmbeddedBroker

    s = get_settings()
    signal.signal(signal.SIGTERM, _interrupt)  # like Ctrl-C: the broker process must not outlive us
    try:  # a signal may come while the broker is still starting: its __exit__ stops it all the same
        with EmbeddedBroker(s.broker_host, args.port or s.broker_port) as broker:
            _err(f"embedded Kafka broker (Tansu) on {broker.bootstrap}; Ctrl-C to stop")
            while broker.process and broker.process.poll() is None:
                time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    if not args.no_supervise:
        from pipeline.supervise import supervise

        command = [sys.executable, "-m", "newswire", "worker", "--no-supervise"]
        if args.web_port:
            command += ["--web-port", str(args.web_port)]
        if args.loglevel:
            command += ["-l", args.loglevel]
        s = get_settings()
        return supervise(command, status=(s.data_dir, f"faust-{args.web_port or s.web_port}"))
    if args.web_port:
        os.environ["NEWSWIRE_WEB_PORT"] = str(args.web_port)
        get_settings.cache_clear()
    s = get_settings()
    from faust import Worker

    from agents.app import create_app
    from pipeline.broker import port_open

    host, _, port = s.bootstrap_servers.split(",")[0].rpartition(":")
    waited = 0.0
    while not port_open(host, int(port)):
        if waited % 10 == 0:
            _err(f"waiting for the Kafka broker at {host}:{port} (NEWSWIRE_BROKER="
                 f"{s.broker or 'unset: the embedded broker started by `newswire run`'}) ...")
        time.sleep(1.0)
        waited += 1.0
    import mode.loop

    mode.loop.use(s.event_loop)  # before the app exists: Faust's consumer thread makes its own loop too
    app, _ctx = create_app(s)
    _err(f"worker: dashboard http://{s.web_host}:{s.web_port}/dashboard")
    worker = Worker(app, loglevel=args.loglevel or s.log_level)
    worker.execute_from_commandline()
    return 0


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def cmd_run(args: argparse.Namespace) -> int:
    s = get_settings()
    s.data_dir.mkdir(parents=True, exist_ok=True)
    broker = None
    env = dict(os.environ)
    # SIGTERM (systemd, kill, a CI runner) must stop the workers and the broker as Ctrl-C
    # does; Python's default would exit at once and leave them running.
    signal.signal(signal.SIGTERM, _interrupt)
    if not s.broker:
        from pipeline.broker import BrokerError
        from pipeline.kafka_local import local_broker

        try:
            broker, what = local_broker(args.broker or s.broker_kind, s.broker_host, s.broker_port, s.data_dir,
                                        s.partitions)
        except BrokerError as exc:  # no jars, no java, port taken: say so in one line
            _err(f"newswire run: {exc}")
            return 2
        _err(what)
    fleet = Fleet(s.data_dir, env)
    try:
        for i in range(args.workers):
            port = s.web_port + i
            fleet.add(f"worker-{port}", [sys.executable, "-m", "newswire", "worker", "--web-port", str(port)])
        if not args.no_archive:
            fleet.add("archive", [sys.executable, "-m", "newswire", "archive"])
        _err(f"dashboard: http://{s.web_host}:{s.web_port}/dashboard  ({args.workers} worker(s); Ctrl-C stops all)")
        demo_pending = args.demo
        while True:  # only a signal ends this: a child that dies is restarted, the broker stays up
            fleet.tend()
            if demo_pending and is_ready(s.web_host, s.web_port):
                demo_pending = False
                _err("demo feed: ingesting the bundled sample stories")
                subprocess.Popen([sys.executable, "-m", "newswire", "ingest", "--quiet", str(DEMO_DIR)], env=env)
            time.sleep(0.5)
    except KeyboardInterrupt:
        return 0
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not cut the shutdown short
        fleet.stop()
        if broker:
            broker.stop()


def register(sub: argparse._SubParsersAction) -> None:
    r = sub.add_parser("run", help="embedded broker (unless NEWSWIRE_BROKER is set) + workers + dashboard")
    r.add_argument("--workers", type=int, default=1, help="worker processes (one core each)")
    r.add_argument("--demo", action="store_true", help="feed the bundled demo stories once the pipeline is up")
    r.add_argument("--no-archive", action="store_true",
                   help="do not start the archive (NEWSWIRE_ARCHIVE_URL, else SQLite in NEWSWIRE_DATA_DIR)")
    r.add_argument("--broker", choices=["tansu", "kafka"],
                   help="broker to start when NEWSWIRE_BROKER is unset: tansu (embedded, memory-only; default) or "
                        "kafka (Apache Kafka from .kafka/lib, durable under NEWSWIRE_DATA_DIR); NEWSWIRE_BROKER_KIND")
    r.set_defaults(fn=cmd_run)

    w = sub.add_parser("worker", help="one Faust worker (run several to scale)")
    w.add_argument("--web-port", type=int, help="dashboard/API port (default NEWSWIRE_WEB_PORT)")
    w.add_argument("-l", "--loglevel", choices=["crit", "error", "warn", "info", "debug"])
    w.add_argument("--no-supervise", action="store_true",
                   help="run the Faust worker in this process (by default a supervisor restarts it if it dies)")
    w.set_defaults(fn=cmd_worker)

    b = sub.add_parser("broker", help="run the embedded Kafka broker alone")
    b.add_argument("--port", type=int)
    b.set_defaults(fn=cmd_broker)
