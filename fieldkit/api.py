"""The sync API, /api/v1/sync/...: signed requests from enrolled laptops; served by a central store only.

A thin layer over `sync`: each view parses the request, calls one library function and maps
its errors to a JSON answer. Every successful answer is signed with the device's key.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, g, jsonify, request

from sync import acks, catalog, ingest, protocol, signing, store

from .db import get_db

bp = Blueprint("api", __name__, url_prefix="/api/v1/sync")


def error(status: int, reason: str, message: str, **extra):
    response = jsonify({"error": message, "reason": reason, "status": status, **extra})
    response.status_code = status
    return response


@bp.before_request
def authenticate():
    db = get_db()
    if store.get_settings(db).get("mode") != "central":
        return error(404, "not_central", "this fieldkit store is not a central store; it serves no sync API")
    g.device = protocol.authenticate(db, request.method, request.path, request.headers, request.get_data(cache=True))
    return None


@bp.after_request
def sign(response):
    device = g.get("device")
    if device is not None and response.status_code == 200:
        nonce = request.headers.get("X-Fieldkit-Nonce", "").lower()
        response.headers["X-Fieldkit-Signature"] = signing.sign(
            device.key, signing.response_message(nonce, 200, response.get_data()))
    return response


@bp.post("/push")
def push():
    """Ingest one chunk of records in one transaction; answer with what the central now holds."""
    chunk_id = request.headers.get("X-Fieldkit-Chunk") or str(uuid.uuid4())
    lines = protocol.chunk_lines(request.get_data(cache=True), chunk_id)
    result = ingest.apply_records(get_db(), g.device, lines, source="http", bundle_id=chunk_id,
                                  address=request.remote_addr)
    return jsonify({
        "counts": result.counts, "acknowledged": result.acknowledged, "questionnaires": result.questionnaires,
        "rejected": [{"id": rid, "reason": reason} for rid, reason in result.rejected],
    })


@bp.get("/acks")
def acknowledgements():
    return jsonify({"device_id": g.device.id, "revision_ids": acks.acknowledged_ids(get_db(), g.device.id)})


@bp.get("/questionnaires")
def questionnaires():
    return jsonify({"questionnaires": catalog.questionnaire_index(get_db())})


@bp.get("/questionnaires/<qid>/<version>")
def questionnaire(qid: str, version: str):
    return jsonify(catalog.questionnaire_definition(get_db(), qid, version))


@bp.get("/registry")
def registry():
    return jsonify(catalog.registry_document(get_db()))


@bp.get("/heads")
def heads():
    """The central's head of every interview this device sent."""
    return jsonify({"device_id": g.device.id, "heads": catalog.device_heads(get_db(), g.device.id)})


@bp.post("/heads/revisions")
def head_revisions():
    """The revisions leading to those heads that the laptop lacks (it says which it holds)."""
    wanted = protocol.heads_request(request.get_data(cache=True))
    return jsonify(catalog.head_revisions(get_db(), g.device.id, wanted))
