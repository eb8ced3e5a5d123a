"""The officers' workspace: a Django app over the published risk lists and the action ledger.

County scoping lives in one place (`workspace.scope`); contacts live in one table
(`Contact`) and leave it only on a talent page after an audited click. No Prefect here.
"""
