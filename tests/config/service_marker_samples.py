"""Sample tests run by ``test_service_markers`` in a separate pytest process.

The file name does not match ``test_*.py``, so the suite itself does not collect it.
"""

import pytest


@pytest.mark.postgres
def test_needs_postgresql():
    pass


@pytest.mark.broker
def test_needs_a_broker():
    pass


@pytest.mark.browser
def test_skips_itself_although_marked():
    pytest.skip("the page did not load")


def test_unmarked_and_skipped():
    pytest.skip("nothing to do with services")
