"""GraphiQL opens with the examples in router/examples/: each one valid against the graph the
router serves, and each query or mutation answering with data on the demo data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest
from graphql import OperationType, build_client_schema, get_introspection_query, parse, validate

from mediagateway.stack import Stack
from tests.support.stack import Router

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "router" / "examples").glob("*.graphql"))


def test_there_are_examples_for_the_first_journeys() -> None:
    names = [re.search(r"^(query|mutation|subscription) (\w+)", p.read_text(), re.M)
             for p in EXAMPLES]
    assert [n[2] for n in names if n] == [
        "Search", "TitleWithOffers", "SignIn", "MyLists", "LivePlayback", "WhatsNew"]


def test_graphiql_opens_with_the_examples_as_tabs(stack: Stack) -> None:
    page = httpx.get(stack.router_url, headers={"accept": "text/html"}, timeout=30)
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "Media Gateway" in page.text and "Start here" in page.text
    for path in EXAMPLES:
        # Each example's operation is in the playground's options (JSON-escaped).
        assert json.dumps(path.read_text(), ensure_ascii=False)[1:80] in page.text, path.name
    # Tabs that need a signed-in viewer open with the header to fill in.
    assert "Bearer <accessToken from SignIn>" in page.text.replace("\\u003c", "<").replace(
        "\\u003e", ">")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_each_example_is_valid_and_answers(router: Router, path: Path) -> None:
    schema = build_client_schema(router.execute(get_introspection_query())["data"])
    document = parse(path.read_text())
    assert validate(schema, document) == []
    operation = document.definitions[0]
    if operation.operation is OperationType.SUBSCRIPTION:
        return  # valid; live delivery is tests/e2e/test_sync.py's and test_playback's subject
    signed_in = "me {" in path.read_text()
    token = router.login("user1@demo.mediagateway.dev") if signed_in else None
    result = router.execute(path.read_text(), token=token)
    assert "errors" not in result, result["errors"]
    # Every list the example shows has something in it on the demo data.
    text = json.dumps(result["data"])
    assert '"edges": []' not in text and '": []' not in text, text[:500]


def test_the_readmes_first_look_answers_as_shown(router: Router) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## First look", 1)[1].split("\n## ", 1)[0]
    shell = re.search(r"```sh\n(.*?)```", section, re.S)[1]
    shown = re.search(r"```json\n(.*?)```", section, re.S)[1]
    # The shell's -d '…' body, its line breaks folded as the shell's JSON would read them.
    body = json.loads(re.sub(r"\s*\n\s*", " ", re.search(r"-d '(.*)'", shell, re.S)[1]))
    answer = router.execute(body["query"])
    assert answer == json.loads(shown), json.dumps(answer)
