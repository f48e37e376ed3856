"""Sync: moving revisions from field laptops into one central store, by file or by HTTP (docs/sync.md).

A library: plain functions over a store's `sqlite_utils.Database`; it never imports Flask.
Modules: `bundle` (the file format), `ingest` (importing), `lineage` (conflicts), `devices`,
`acks`, `drafts` (moving a draft to a new questionnaire version), `client` (HTTP), `catalog` (pull).
"""
