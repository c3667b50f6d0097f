"""Marked tests skip on a laptop but fail in CI, where the services must be there."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SAMPLES = Path(__file__).with_name("service_marker_samples.py")


def start_samples(**environment: str) -> subprocess.Popen:
    """Run the samples without PostgreSQL or a broker configured."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "CELERY_BROKER_URL"}
        and not name.startswith("PYTEST_")
        and name != "MEDREVIEW_REQUIRE_SERVICES"
    }
    env.update(environment)
    return subprocess.Popen(  # noqa: S603 - fixed command, our own interpreter
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:faker",
            "-vv",
            "-rA",
            str(SAMPLES.relative_to(PROJECT_ROOT)),
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture(scope="module")
def sample_runs() -> dict[str, subprocess.CompletedProcess]:
    """The samples run twice at once: as on a laptop, and as in CI."""
    processes = {
        "laptop": start_samples(),
        "ci": start_samples(MEDREVIEW_REQUIRE_SERVICES="1"),
    }
    results = {}
    for name, process in processes.items():
        stdout, stderr = process.communicate(timeout=120)
        results[name] = subprocess.CompletedProcess(
            process.args, process.returncode, stdout, stderr
        )
    return results


@pytest.fixture
def laptop_run(sample_runs):
    return sample_runs["laptop"]


@pytest.fixture
def ci_run(sample_runs):
    return sample_runs["ci"]


def outcomes(result: subprocess.CompletedProcess) -> dict[str, str]:
    """Test name → the outcome pytest reported for it ("PASSED", "FAILED", ...)."""
    found = re.findall(r"::(\w+) (PASSED|FAILED|SKIPPED|ERROR)", result.stdout)
    return dict(found)


def failure_message(result: subprocess.CompletedProcess, test_name: str) -> str:
    """The one-line reason pytest's summary gives for a failed test."""
    match = re.search(rf"^FAILED \S+::{test_name} - (.*)$", result.stdout, re.M)
    assert match, result.stdout
    return match.group(1)


def test_without_the_services_marked_tests_are_skipped(laptop_run):
    assert laptop_run.returncode == 0, laptop_run.stdout
    assert set(outcomes(laptop_run).values()) == {"SKIPPED"}
    assert "4 skipped" in laptop_run.stdout


@pytest.mark.parametrize(
    ("test_name", "service"),
    [
        ("test_needs_postgresql", "needs PostgreSQL"),
        ("test_needs_a_broker", "needs a Celery broker"),
        ("test_skips_itself_although_marked", "needs Chromium with Playwright"),
    ],
)
def test_when_services_are_required_marked_skips_fail_naming_the_service(
    ci_run, test_name, service
):
    assert ci_run.returncode == 1, ci_run.stdout
    assert outcomes(ci_run)[test_name] == "FAILED"
    assert service in failure_message(ci_run, test_name)


def test_an_unmarked_skip_stays_a_skip_when_services_are_required(ci_run):
    assert outcomes(ci_run)["test_unmarked_and_skipped"] == "SKIPPED"
    assert "3 failed, 1 skipped" in ci_run.stdout
