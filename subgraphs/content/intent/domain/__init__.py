"""Intent's domain: the contract (`contract.py`), the words (`words.py`), the catalog's
vocabulary (`vocabulary.py`) and the rules that parse a query with them (`rules.py`)."""
