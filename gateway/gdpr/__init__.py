"""Data protection (GDPR): what the gateway keeps about people, and the documents it owes.

- :mod:`.facts`: the facts of the processing, read from the configuration (catalogue,
  policies, settings): purposes, people concerned, recipients and transfers, retention per
  field, security measures. Every document below is written from them, so none can drift
  from what the gateway actually does.
- :mod:`.subject`: everything kept about one person (the right of access, art. 15), with
  what an auditor needs to check it against the integrity chain.
- :mod:`.register`: the record of processing (art. 30), an impact-assessment starter
  (art. 35) and the notice for the staff and their representatives (CSE), in Markdown.
"""
