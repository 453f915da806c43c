"""The read side of the interaction log, shared by the admin API, the console and the CLI.

- :mod:`.dates`: the one rule for dates people give (400 on a bad or overflowing one);
- :mod:`.filters`: filters from parameters, keyset pagination;
- :mod:`.records`: records in the stable field names, ISO 8601 UTC instants;
- :mod:`.export`: JSON lines and spreadsheet-safe CSV, streamed;
- :mod:`.journal`: the access journal (who read what);
- :mod:`.service`: every read of others' records, with its journal entry.
"""
