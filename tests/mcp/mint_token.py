"""`python -m tests.mcp.mint_token USER_ID [SCOPE ...]`: an access token signed with the users
subgraph's own key carrying only the scopes given (sign-in always grants them all). Run as its
own process with the stack's environment, so the test process never opens a database."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid

from subgraphs.common.db import close_database, open_database
from subgraphs.common.settings import database_url_for
from subgraphs.users.adapters.keys import load_signing_keys
from subgraphs.users.tokens import TokenIssuer


async def mint(user_id: str, scopes: list[str]) -> str:
    await open_database(database_url_for("users", dict(os.environ)),
                        "subgraphs.users.adapters.orm")
    try:
        issuer = TokenIssuer((await load_signing_keys())[0])
        return issuer.issue(uuid.UUID(user_id), scopes=scopes).token
    finally:
        await close_database()


if __name__ == "__main__":
    print(asyncio.run(mint(sys.argv[1], sys.argv[2:])))
