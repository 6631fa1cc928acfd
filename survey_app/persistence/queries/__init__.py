"""SQL of the hot paths, in one place: statements built and compiled once, run by services.

``submissions``: the form service's link lookup, draft locks and submit statements;
``list_rows``: the bulk insert of an uploaded list's rows.
"""
