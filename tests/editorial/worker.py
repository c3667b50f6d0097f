"""A real Celery worker in its own process, for the integration tests.

The worker runs the product's settings module against the test database and the
broker named by ``CELERY_BROKER_URL``, reads only one queue (named per test, so a
worker left over from another run cannot take the messages) and writes the emails it
sends as files. What it did is read back from the places a person would look: the
mail directory, the database and the worker's log.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote

import redis
from django.conf import settings

from editorial import emails

# A slow CI machine starts Django and Celery in a few seconds; a hang shows in 30.
START_TIMEOUT_SECONDS = 30
STOP_TIMEOUT_SECONDS = 10
POLL_SECONDS = 0.1

# Django's file email backend ends each message with this line.
MESSAGE_SEPARATOR = "\n" + "-" * 79 + "\n"


def wait_until(
    condition: Callable[[], object],
    *,
    timeout: float = START_TIMEOUT_SECONDS,
    describe: str | Callable[[], str] = "the condition",
):
    """Poll until ``condition()`` is truthy and return its value; fail after
    ``timeout`` seconds. Measured on the monotonic clock, which moving the wall
    clock in a test does not touch."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            text = describe() if callable(describe) else describe
            raise AssertionError(f"waited {timeout} s for {text}")
        time.sleep(POLL_SECONDS)


def worker_database_url() -> str:
    """The URL of the database this test run created (``test_…``), for the
    worker's ``DATABASE_URL``."""
    database = settings.DATABASES["default"]
    credentials = quote(database["USER"] or "", safe="")
    if database.get("PASSWORD"):
        credentials += ":" + quote(database["PASSWORD"], safe="")
    host = database.get("HOST") or ""
    port = f":{database['PORT']}" if database.get("PORT") else ""
    return f"postgres://{credentials}@{host}{port}/{database['NAME']}"


def sent_messages(mail_dir: Path) -> list[EmailMessage]:
    """Every email the file backend wrote, oldest file first."""
    if not mail_dir.exists():
        return []
    messages = []
    for path in sorted(mail_dir.iterdir(), key=lambda path: path.stat().st_mtime):
        for chunk in path.read_text().split(MESSAGE_SEPARATOR):
            if chunk.strip():
                messages.append(
                    email.message_from_string(chunk, policy=email.policy.default)
                )
    return messages


def text_body(message: EmailMessage) -> str:
    """The plain-text part, decoded."""
    part = message.get_body(preferencelist=("plain",))
    assert part is not None, f"no text part in {message['Subject']!r}"
    return part.get_content()


@dataclass
class Worker:
    """One ``celery worker`` process reading ``queue``; its output goes to
    ``log_path``."""

    queue: str
    name: str
    log_path: Path
    environment: dict[str, str]
    pool: str = "solo"
    process: subprocess.Popen | None = None
    _log_file: object = None

    def start(self) -> Worker:
        self._log_file = self.log_path.open("wb")
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                f"--pool={self.pool}",
                "--concurrency=1",
                "-Q",
                self.queue,
                "-n",
                f"{self.name}@%h",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "info",
            ],
            cwd=settings.BASE_DIR,
            env=self.environment,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )
        wait_until(
            self._ready,
            describe=lambda: f"worker {self.name} to be ready:\n{self.log()}",
        )
        return self

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(
                f"worker {self.name} exited with status {self.process.returncode}:\n"
                f"{self.log()}"
            )
        return re.search(rf"{re.escape(self.name)}@\S+ ready\.", self.log()) is not None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def task_results(self, task_name: str) -> dict[str, str]:
        """Task id → the result the worker logged, for each finished run of the task
        (its results are not stored anywhere else)."""
        pattern = re.compile(
            rf"Task {re.escape(task_name)}\[(?P<id>[^\]]+)\] succeeded in "
            r"[\d.e-]+s: (?P<result>.*)"
        )
        return {
            match["id"]: match["result"].strip()
            for match in pattern.finditer(self.log())
        }

    def received(self, task_name: str) -> list[str]:
        """Ids of the runs of the task the worker took from the queue."""
        pattern = rf"Task {re.escape(task_name)}\[([^\]]+)\] received"
        return re.findall(pattern, self.log())

    def wait_for_result(self, task_name: str, task_id: str) -> str:
        return wait_until(
            lambda: self.task_results(task_name).get(task_id),
            describe=lambda: f"{task_name}[{task_id}] to finish:\n{self.log()}",
        )

    def pool_processes(self) -> list[int]:
        """The ids of the worker's child processes (the prefork pool's)."""
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
            if int(fields[1]) == self.process.pid:
                children.append(int(stat.parent.name))
        return children

    def kill(self) -> None:
        """Die at once with every process of the worker, as when its machine loses
        power: no clean-up, no acknowledgement."""
        children = self.pool_processes()
        self.process.send_signal(signal.SIGKILL)
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)
        self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
        self._close_log()

    def kill_pool_processes(self) -> None:
        """Kill the processes running tasks; the worker itself lives on."""
        children = self.pool_processes()
        assert children, f"worker {self.name} has no pool process to kill"
        for child in children:
            os.kill(child, signal.SIGKILL)

    def stop(self) -> None:
        """Warm shutdown (finish the task in hand), killed if it takes too long."""
        if self.process is None or self.process.poll() is not None:
            self._close_log()
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
        self._close_log()

    def _close_log(self) -> None:
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None


@dataclass
class Workers:
    """Starts workers for one test and stops every one of them afterwards."""

    queue: str
    broker_url: str
    directory: Path
    started: list[Worker] = field(default_factory=list)

    @property
    def mail_dir(self) -> Path:
        return self.directory / "mail"

    def environment(self, **extra: str) -> dict[str, str]:
        """The production settings module, pointed at this test's database,
        broker, queue and mail directory. (The test settings keep emails in memory,
        where no other process could see them.)"""
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_SECRET_KEY": settings.SECRET_KEY,
            "DJANGO_DEBUG": "0",
            "DATABASE_URL": worker_database_url(),
            "CELERY_BROKER_URL": self.broker_url,
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "DJANGO_EMAIL_FILE_PATH": str(self.mail_dir),
            "PYTHONUNBUFFERED": "1",
            **extra,
        }

    def start(self, pool: str = "solo", **environment: str) -> Worker:
        """A worker with the solo pool (quick to start), or ``pool="prefork"``: a
        solo worker acknowledges only between tasks, whatever ``acks_late`` says."""
        number = len(self.started) + 1
        worker = Worker(
            queue=self.queue,
            name=f"{self.queue}-{number}",
            log_path=self.directory / f"worker-{number}.log",
            environment=self.environment(**environment),
            pool=pool,
        )
        self.started.append(worker)
        return worker.start()

    def messages(self) -> list[EmailMessage]:
        return sent_messages(self.mail_dir)

    def stop_all(self) -> None:
        for worker in self.started:
            worker.stop()


def _forget_broker_connections(app) -> None:
    """Drop the app's connection and producer pools so the next publish connects
    to the URL now configured."""
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def broker_unreachable(app, url: str = "redis://127.0.0.1:1/0") -> Iterator[None]:
    """Publish to a port where nothing listens, as when the broker is down.

    ``broker_url`` cannot be changed here: Celery reads ``CELERY_BROKER_URL`` from
    the environment first. Publishing uses ``broker_write_url``, which it reads
    from the configuration before falling back to that.
    """
    previous = app.conf.get("broker_write_url")
    _forget_broker_connections(app)
    app.conf.broker_write_url = url
    try:
        yield
    finally:
        app.conf.broker_write_url = previous
        _forget_broker_connections(app)
        # The broker is back: publish again at once rather than after the pause
        # that follows a failed publish.
        emails._broker_unavailable_until = 0.0


@dataclass
class LocalRedis:
    """A ``redis-server`` of the test's own on a free port, which the test may
    freeze (SIGSTOP: connections open, nothing answers) and thaw."""

    directory: Path
    port: int = 0
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> LocalRedis:
        executable = shutil.which("redis-server")
        assert executable, "redis-server is missing: apt-get install redis-server"
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
            [
                executable,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self._answers, describe=f"redis-server on port {self.port}")
        return self

    def _answers(self) -> bool:
        try:
            return redis.Redis(port=self.port, socket_timeout=1).ping()
        except redis.RedisError:
            return False

    def freeze(self) -> None:
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.thaw()
        self.process.terminate()
        try:
            self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
