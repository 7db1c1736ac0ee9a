import pytest

from tests.factories import make_curator


@pytest.fixture
def curator_client(client):
    """The test client, logged in as a curator."""
    client.force_login(make_curator())
    return client
