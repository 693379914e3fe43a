"""The deploy test's fixtures (test/deploy/conftest.py: the moto server, the AWS environment) and its helpers on the
import path, plus the NACL evaluator of test/support as a long-running process."""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from typing import Any, Iterator

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
DEPLOY = os.path.join(ROOT, "test", "deploy")
sys.path[:0] = [HERE, DEPLOY]

_spec = importlib.util.spec_from_file_location("deploy_conftest", os.path.join(DEPLOY, "conftest.py"))
_deploy_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_deploy_conftest)
moto_endpoint = _deploy_conftest.moto_endpoint


class Evaluator:
    """test/support/nacl-evaluator.ts (AWS's order: lowest rule number first, first match, implicit deny) over
    stdin/stdout, started once: `verdicts(rules, packets)` → [{"decision", "ruleNumber"}] in packet order."""

    def __init__(self) -> None:
        env = dict(os.environ, TS_NODE_TRANSPILE_ONLY="true")
        self.proc = subprocess.Popen(
            ["npx", "--no", "--", "ts-node", "--project", "test/tsconfig.json", "test/terraform/evaluate.ts"],
            cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def verdicts(self, rules: list[dict[str, Any]], packets: list[dict[str, Any]]) -> list[dict[str, Any]]:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps({"rules": rules, "packets": packets}) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line, f"the evaluator exited ({self.proc.poll()})"
        answer = json.loads(line)
        assert not isinstance(answer, dict), answer["error"]
        return answer

    def close(self) -> None:
        assert self.proc.stdin
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


@pytest.fixture(scope="session")
def evaluator() -> Iterator[Evaluator]:
    e = Evaluator()
    yield e
    e.close()
