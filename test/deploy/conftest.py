"""Shared fixtures: the moto server (started by run.sh, or in-process here) and the AWS environment."""
from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# Never talk to real AWS: dummy credentials, no metadata service, one region, an explicit loopback endpoint.
os.environ.update({
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
})
for var in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
    os.environ.pop(var, None)
os.environ["AWS_CONFIG_FILE"] = os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull


@pytest.fixture(scope="session", autouse=True)
def moto_endpoint() -> str:
    """run.sh passes the running server as AWS_ENDPOINT_URL; standalone pytest starts one in-process."""
    if os.environ.get("AWS_ENDPOINT_URL"):
        yield os.environ["AWS_ENDPOINT_URL"]
        return
    import server

    srv, port = server.start(0)
    os.environ["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{port}"
    yield os.environ["AWS_ENDPOINT_URL"]
    srv.stop()
