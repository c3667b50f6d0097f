"""Notifications and reminders through a real Celery worker, Redis and PostgreSQL.

Each test starts ``celery worker`` processes (``tests/editorial/worker.py``) on a
queue of its own. The test process publishes as the site does, to the broker named by
``CELERY_BROKER_URL``; the worker reads the committed rows of the test database and
writes the emails it sends to files. Skipped without PostgreSQL and a broker (and
failed instead in CI, where both must be present).
"""

import ast
import datetime
import os
import re
import time
import uuid
from collections.abc import Iterator

import pytest
import time_machine
from django.conf import settings
from django.db.models import F
from django.utils import timezone
from kombu import Exchange, Queue

from config.celery import app as celery_app
from editorial import services
from editorial.emails import OUTBOX_GRACE_SECONDS
from editorial.models import (
    AssignmentState,
    EmailStatus,
    OutboundEmail,
    Reminder,
    ReminderStatus,
    ReminderStep,
    ReviewAssignment,
)
from editorial.tasks import deliver_email, flush_outbox, send_due_reminders
from tests.editorial.conftest import change_form_data, change_url, make_reviewer
from tests.editorial.threads import finishes_within
from tests.editorial.worker import (
    LocalRedis,
    Worker,
    Workers,
    broker_unreachable,
    text_body,
    wait_until,
)

pytestmark = [
    pytest.mark.broker,
    pytest.mark.postgres,
    # The data migrations' groups are restored after each flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DELIVER = deliver_email.name
FLUSH = flush_outbox.name
SWEEP = send_due_reminders.name
OUTBOX_TABLE = OutboundEmail._meta.db_table
# Short, so a message a killed worker left unacknowledged comes back within the test.
VISIBILITY_TIMEOUT_SECONDS = 5
# A request still running after this long hangs on the broker: the test fails.
BROKER_DOWN_REQUEST_LIMIT_SECONDS = 15


def declared(queue: str) -> Queue:
    """The queue as both sides name it: exchange and routing key after the queue,
    which is what Celery makes of a default queue it was not told more about."""
    return Queue(queue, Exchange(queue), routing_key=queue)


@pytest.fixture
def task_queue(settings):
    """A queue for this test alone, which the test process publishes to; tasks go to
    the broker here, not in-process as in the rest of the suite."""
    queue = f"medreview-test-{uuid.uuid4().hex[:12]}"
    previous = celery_app.conf.task_default_queue
    was_eager = celery_app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    celery_app.conf.task_default_queue = queue
    with celery_app.connection_for_write() as broker:
        declared(queue)(broker.default_channel).declare()
        broker.default_channel.queue_purge(queue)
    yield queue
    celery_app.conf.task_default_queue = previous
    celery_app.conf.task_always_eager = was_eager
    with celery_app.connection_for_write() as broker:
        bound = declared(queue)(broker.default_channel)
        bound.declare()
        bound.delete()


@pytest.fixture
def workers(transactional_db, task_queue, tmp_path):
    """Starts workers on demand; stops them before the database is flushed (a
    worker holding a connection in a transaction would block the flush)."""
    started = Workers(
        queue=task_queue,
        broker_url=os.environ["CELERY_BROKER_URL"],
        directory=tmp_path,
    )
    try:
        yield started
    finally:
        started.stop_all()


def email_status(email: OutboundEmail) -> str:
    return OutboundEmail.objects.values_list("status", flat=True).get(pk=email.pk)


def wait_until_sent(email: OutboundEmail, workers: Workers) -> None:
    wait_until(
        lambda: email_status(email) == EmailStatus.SENT,
        describe=lambda: (
            f"email {email.pk} to be sent; worker log:\n{workers.started[-1].log()}"
        ),
    )


def invitation_for(assignment: ReviewAssignment) -> OutboundEmail:
    return OutboundEmail.objects.get(
        kind="invitation", dedupe_key__startswith=f"invitation:{assignment.pk}:"
    )


def sweep_counts(result: str) -> dict[str, int]:
    """The sweep's report as the worker logged it (``{'sent': 1, ...}``)."""
    return ast.literal_eval(result)


def test_assigning_a_reviewer_makes_the_worker_send_the_invitation(
    workers, editor, article, reviewer_one, client
):
    workers.start()

    assignment = services.assignment_create(
        article=article, reviewer=reviewer_one, invited_by=editor
    )

    invitation = invitation_for(assignment)
    wait_until_sent(invitation, workers)
    (message,) = workers.messages()
    assert message["To"] == reviewer_one.user.email
    assert message["Subject"] == f"Review invitation: {article.title}"
    accept_link = re.search(r"Accept: (\S+)", text_body(message))[1]
    assert accept_link.startswith(f"{settings.MEDREVIEW_BASE_URL}/review/respond/")
    # The link in the email is the one that works for the reviewer.
    response = client.post(accept_link.removeprefix(settings.MEDREVIEW_BASE_URL))
    assert response.status_code == 200
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.ACCEPTED


def test_with_the_clock_moved_the_worker_sends_the_reminder_once(
    workers, workflow, article, reviewer_one
):
    worker = workers.start()
    (assignment,) = workflow.invite(article, reviewer_one)
    workflow.start(article)
    wait_until_sent(invitation_for(assignment), workers)
    due = assignment.invited_at + datetime.timedelta(days=3, hours=1)

    # The worker's clock cannot be moved; the sweep runs as of the moment it is given.
    with time_machine.travel(due, tick=False):
        first = send_due_reminders.delay(now=timezone.now().isoformat())
    first_counts = sweep_counts(worker.wait_for_result(SWEEP, first.id))
    with time_machine.travel(due + datetime.timedelta(minutes=15), tick=False):
        second = send_due_reminders.delay(now=timezone.now().isoformat())
    second_counts = sweep_counts(worker.wait_for_result(SWEEP, second.id))

    assert first_counts["sent"] == 1
    assert second_counts["sent"] == 0
    reminders = [
        message
        for message in workers.messages()
        if message["Subject"].startswith("Reminder")
    ]
    assert len(reminders) == 1
    assert reminders[0]["To"] == reviewer_one.user.email
    assert article.title in text_body(reminders[0])
    sent = Reminder.objects.filter(assignment=assignment, status=ReminderStatus.SENT)
    assert list(sent.values_list("step", flat=True)) == [ReminderStep.INVITATION_FIRST]
    assert Reminder.objects.filter(
        assignment=assignment,
        step=ReminderStep.INVITATION_SECOND,
        status=ReminderStatus.PENDING,
    ).exists()


def test_a_delivery_task_run_twice_sends_one_email(
    workers, editor, article, reviewer_one
):
    # Queued after the commit, while no worker runs; then the same task again, as
    # the broker does when it redelivers a message.
    assignment = services.assignment_create(
        article=article, reviewer=reviewer_one, invited_by=editor
    )
    invitation = invitation_for(assignment)
    again = deliver_email.delay(invitation.pk)

    worker = workers.start()

    wait_until(
        lambda: len(worker.task_results(DELIVER)) == 2,
        describe=lambda: f"both deliveries to finish:\n{worker.log()}",
    )
    results = worker.task_results(DELIVER)
    assert again.id in results
    assert sorted(results.values()) == ["False", "True"]
    assert len(workers.messages()) == 1
    invitation.refresh_from_db()
    assert invitation.status == EmailStatus.SENT
    assert invitation.attempts == 1


def unacknowledged_task_ids() -> str:
    """What the Redis transport keeps of delivered but unacknowledged messages."""
    with celery_app.connection_for_write() as broker:
        client = broker.default_channel.client
        return " ".join(value.decode() for value in client.hvals("unacked"))


# Short, so a message claimed by a killed worker goes again within the test.
CLAIM_SECONDS = 3
BOARD_SIZE = 12
HELD_REMINDER = 5


def due_board(workflow, article) -> list[str]:
    """Board members invited together, their first reminders due together; their
    addresses in the order the reminder emails go out."""
    members = [
        make_reviewer(f"Board Member{number:02d}", time_zone="UTC")
        for number in range(1, BOARD_SIZE + 1)
    ]
    workflow.invite(article, *members)
    return [member.user.email for member in members]


def events_by_address(kind: str) -> dict[str, str]:
    return dict(
        OutboundEmail.objects.filter(kind=kind).values_list("to_address", "dedupe_key")
    )


def all_sent() -> bool:
    return not OutboundEmail.objects.exclude(status=EmailStatus.SENT).exists()


def start_sweep_and_hold(workers, smtp_sink, article, workflow, **environment):
    """A prefork worker sends the invitations, then runs the reminder sweep; the
    SMTP server receives the 5th reminder email and holds its answer."""
    addresses = due_board(workflow, article)
    worker = workers.start(pool="prefork", **environment)
    wait_until(
        lambda: smtp_sink.accepted() == BOARD_SIZE,
        describe=lambda: f"the invitations to be sent:\n{worker.log()}",
    )
    smtp_sink.hold_message(BOARD_SIZE + HELD_REMINDER)
    due = timezone.now() + datetime.timedelta(days=3, hours=1)
    sweep = send_due_reminders.delay(now=due.isoformat())
    smtp_sink.wait_until_holding(lambda: f"the held reminder:\n{worker.log()}")
    return addresses, worker, sweep


def send_what_is_left(worker: Worker) -> None:
    """Once the claim of the email in flight has lapsed, the outbox sweep (run by
    beat every minute) sends what is left."""
    wait_until(
        lambda: (
            not OutboundEmail.objects.filter(
                status=EmailStatus.SENDING, claimed_until__gte=timezone.now()
            ).exists()
        ),
        timeout=CLAIM_SECONDS + 10,
        describe="the claim of the email in flight to lapse",
    )
    flush = flush_outbox.delay()
    worker.wait_for_result(FLUSH, flush.id)
    wait_until(all_sent, describe=lambda: f"every email to be sent:\n{worker.log()}")


def expected_counts(addresses: list[str]) -> dict[tuple[str, str], int]:
    """Each invitation and reminder once, but the reminder in flight when the
    worker died: the server had it, so the copy sent again is its second."""
    invitations = events_by_address("invitation")
    reminders = events_by_address("reminder")
    counts = {(address, invitations[address]): 1 for address in addresses}
    for number, address in enumerate(addresses, 1):
        counts[(address, reminders[address])] = 2 if number == HELD_REMINDER else 1
    return counts


def test_a_task_process_killed_mid_sweep_repeats_only_the_email_in_flight(
    workers, smtp_sink, article, workflow
):
    """The pool process dies with 4 reminder emails sent and the 5th in flight: the
    worker puts the task back at once (late acknowledgement with
    ``task_reject_on_worker_lost``) and runs it again; the email in flight goes again
    once its claim lapses (the outbox sweep), the others never."""
    addresses, worker, sweep = start_sweep_and_hold(
        workers,
        smtp_sink,
        article,
        workflow,
        **smtp_sink.environment(),
        MEDREVIEW_EMAIL_CLAIM_SECONDS=str(CLAIM_SECONDS),
    )

    worker.kill_pool_processes()
    smtp_sink.handler.release.set()

    worker.wait_for_result(SWEEP, sweep.id)
    assert worker.received(SWEEP) == [sweep.id, sweep.id]
    send_what_is_left(worker)
    assert smtp_sink.counts() == expected_counts(addresses)


def test_a_whole_worker_killed_mid_sweep_repeats_only_the_email_in_flight(
    workers, smtp_sink, article, workflow
):
    """The whole worker dies (its machine loses power): the task comes back after
    the visibility timeout to the next worker, which sends the rest; the email in
    flight goes again once its claim lapses."""
    environment = {
        **smtp_sink.environment(),
        "MEDREVIEW_EMAIL_CLAIM_SECONDS": str(CLAIM_SECONDS),
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT_SECONDS),
    }
    addresses, first, sweep = start_sweep_and_hold(
        workers, smtp_sink, article, workflow, **environment
    )
    held_at = time.monotonic()

    first.kill()
    smtp_sink.handler.release.set()
    assert sweep.id in unacknowledged_task_ids()

    time.sleep(max(0, held_at + VISIBILITY_TIMEOUT_SECONDS + 1 - time.monotonic()))
    second = workers.start(**environment)
    second.wait_for_result(SWEEP, sweep.id)
    send_what_is_left(second)
    assert smtp_sink.counts() == expected_counts(addresses)


def sweep_on_a_worker(workers, smtp_sink, article, workflow, **environment):
    """A worker sends the board's invitations, then runs the reminder sweep."""
    addresses = due_board(workflow, article)
    worker = workers.start(**smtp_sink.environment(), **environment)
    wait_until(
        lambda: smtp_sink.accepted() == BOARD_SIZE,
        describe=lambda: f"the invitations to be sent:\n{worker.log()}",
    )
    return addresses, worker


def reminder_copies(smtp_sink, addresses: list[str]) -> dict[str, int]:
    """Address → copies of its reminder email the SMTP server accepted."""
    reminders = events_by_address("reminder")
    counts = smtp_sink.counts()
    return {address: counts[(address, reminders[address])] for address in addresses}


def run_sweep(worker: Worker) -> dict[str, int]:
    due = timezone.now() + datetime.timedelta(days=3, hours=1)
    sweep = send_due_reminders.delay(now=due.isoformat())
    return sweep_counts(worker.wait_for_result(SWEEP, sweep.id))


def test_a_451_once_on_a_worker_retries_that_reminder_email_alone(
    workers, smtp_sink, article, workflow
):
    addresses, worker = sweep_on_a_worker(
        workers, smtp_sink, article, workflow, MEDREVIEW_EMAIL_RETRY_SECONDS="1"
    )
    smtp_sink.answer_451_once_at(BOARD_SIZE + HELD_REMINDER)

    assert run_sweep(worker)["sent"] == BOARD_SIZE
    waiting = OutboundEmail.objects.get(
        kind="reminder", to_address=addresses[HELD_REMINDER - 1]
    )
    assert (waiting.status, waiting.attempts) == (EmailStatus.PENDING, 1)
    assert waiting.last_error.startswith("451 4.3.0")
    # The outbox sweep (beat, every minute) tries it again after its back-off.
    wait_until(
        lambda: timezone.now() >= waiting.next_attempt_at, describe="the back-off"
    )
    flush = flush_outbox.delay()
    assert worker.wait_for_result(FLUSH, flush.id) == "1"

    assert reminder_copies(smtp_sink, addresses) == {
        address: 1 for address in addresses
    }


def test_a_refused_address_on_a_worker_blocks_no_one_and_editors_hear_once(
    workers, smtp_sink, article, workflow, editor
):
    addresses, worker = sweep_on_a_worker(workers, smtp_sink, article, workflow)
    bad = addresses[HELD_REMINDER - 1]
    smtp_sink.refuse(bad)

    assert run_sweep(worker)["sent"] == BOARD_SIZE
    assert run_sweep(worker)["sent"] == 0

    assert reminder_copies(smtp_sink, addresses) == {
        address: 0 if address == bad else 1 for address in addresses
    }
    failed = OutboundEmail.objects.get(kind="reminder", to_address=bad)
    assert (failed.status, failed.attempts) == (EmailStatus.FAILED, 1)
    assert "550 5.1.1" in failed.last_error
    # The editors' notice was handed to the worker after its commit: once.
    [notice] = OutboundEmail.objects.filter(kind="address_failed")
    wait_until_sent(notice, workers)
    assert smtp_sink.counts()[(editor.email, notice.dedupe_key)] == 1


@pytest.fixture
def own_redis(tmp_path) -> Iterator[LocalRedis]:
    redis_server = LocalRedis(directory=tmp_path).start()
    try:
        yield redis_server
    finally:
        redis_server.stop()


def add_reviewer(client, article, reviewer, *, on_timeout=None) -> tuple[int, float]:
    """An editor adds a reviewer on the article's admin page: the response's status
    and how long it took. The request runs in a thread so that a request hanging on
    the broker fails the test (``on_timeout`` lets it finish) instead of hanging it."""
    data = change_form_data(client, article)
    index = int(data["review_assignments-INITIAL_FORMS"][0])
    data["review_assignments-TOTAL_FORMS"] = [str(index + 1)]
    data[f"review_assignments-{index}-reviewer"] = [str(reviewer.pk)]

    def post():
        started = time.monotonic()
        status = client.post(change_url(article), data).status_code
        return status, time.monotonic() - started

    return finishes_within(
        BROKER_DOWN_REQUEST_LIMIT_SECONDS, post, on_timeout=on_timeout or (lambda: None)
    )


def invitations_go_out_once_the_broker_is_back(workers, smtp_sink, members) -> None:
    """The outbox sweep sends what no task took; the worker's clock cannot be moved,
    so the rows are made due, as they are a minute later."""
    OutboundEmail.objects.update(
        next_attempt_at=F("next_attempt_at")
        - datetime.timedelta(seconds=OUTBOX_GRACE_SECONDS + 60)
    )
    worker = workers.start(**smtp_sink.environment())
    first = flush_outbox.delay()
    second = flush_outbox.delay()
    worker.wait_for_result(FLUSH, first.id)
    worker.wait_for_result(FLUSH, second.id)
    invitations = events_by_address("invitation")
    assert smtp_sink.counts() == {
        (member.user.email, invitations[member.user.email]): 1 for member in members
    }


def test_a_frozen_broker_does_not_hold_the_editors_request(
    workers, smtp_sink, own_redis, editor, article, reviewer_one, reviewer_two, client
):
    """Redis stopped with SIGSTOP accepts connections and never answers: publishing
    gives up after its short read timeout, and the invitation waits in the outbox."""
    client.force_login(editor)
    with broker_unreachable(celery_app, own_redis.url):
        status, normal = add_reviewer(client, article, reviewer_one)
        assert status == 302
        own_redis.freeze()
        status, frozen = add_reviewer(
            client, article, reviewer_two, on_timeout=own_redis.thaw
        )
        own_redis.thaw()

    assert status == 302
    assert frozen < normal + 1, (normal, frozen)
    assignment = ReviewAssignment.objects.get(article=article, reviewer=reviewer_two)
    assert assignment.state == AssignmentState.INVITED
    # Both invitations went to a queue no worker reads (this test's own Redis): the
    # outbox sweep sends each, once.
    invitations_go_out_once_the_broker_is_back(
        workers, smtp_sink, [reviewer_one, reviewer_two]
    )


def test_a_refusing_broker_does_not_slow_the_editors_request(
    workers, smtp_sink, own_redis, editor, article, reviewer_one, reviewer_two, client
):
    client.force_login(editor)
    with broker_unreachable(celery_app, own_redis.url):
        status, normal = add_reviewer(client, article, reviewer_one)
        assert status == 302
    own_redis.stop()
    with broker_unreachable(celery_app, own_redis.url):
        status, refused = add_reviewer(client, article, reviewer_two)

    assert status == 302
    assert refused < normal + 1, (normal, refused)
    invitation = invitation_for(
        ReviewAssignment.objects.get(article=article, reviewer=reviewer_two)
    )
    assert invitation.status == EmailStatus.PENDING
    invitations_go_out_once_the_broker_is_back(
        workers, smtp_sink, [reviewer_one, reviewer_two]
    )
