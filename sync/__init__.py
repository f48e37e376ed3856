"""Sync: moving revisions from field laptops into one central store, by file or by HTTP (docs/sync.md).

A library: plain functions over a store's `sqlite_utils.Database`; it never imports Flask.

- `bundle`: the bundle file (write, verify, stream its records); `records`: the records inside;
- `ingest`: importing bundles and pushed chunks; `lineage`: ancestors and conflicts;
- `devices`: enrolment and revocation (central), the laptop's identity; `signing`: keys and HMACs;
- `acks`: acknowledgements, ack files and the laptop's sync log; `status`: the laptop's status;
- `client`: push and pull over HTTP; `protocol`: the central's side of it; `catalog`: what pull brings;
- `drafts`: moving a draft to a newer questionnaire version; `errors`: the exceptions.
"""
