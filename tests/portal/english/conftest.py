import pytest

from .checks import Leaks


@pytest.fixture
def leaks():
    return Leaks()
