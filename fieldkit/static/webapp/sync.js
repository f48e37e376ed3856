/* Sending from the browser: enrolment, signed pushes to the central's sync API, and bundle files.
 *
 * The browser is an enrolled device like a laptop (docs/sync.md, "The browser side"):
 * - enrol(): POST /app/enrol (logged in, CSRF) gives the device id and key once; the key is imported
 *   into WebCrypto as a non-extractable HMAC key and that CryptoKey is kept in IndexedDB ("device:USER",
 *   one enrolment per user of the browser), so no script can read the key back, only sign with it.
 * - Each user sends only their own interviews, with their own enrolment (storage.js setUser): the central
 *   accepts from a browser's device only revisions its enrolled user wrote.
 * - push(): GET /acks, then the unacknowledged revisions as record lines in chunks (POST /push), each
 *   request signed as sync/signing.py signs (HMAC-SHA256 over method, path, time, nonce and the body's
 *   SHA-256) and each answer's signature checked. A revision is marked acknowledged only when the
 *   central's answer names its id; what is not acknowledged is simply sent again next time.
 * - bundle(): the same records in a bundle file (sync/bundle.py: a zip of stored entries with a
 *   signed manifest.json and gzip'd records.jsonl.gz) that `fieldkit sync ingest` reads.
 * Defines `FieldkitSync` on the global object; needs storage.js.
 */
(function (root) {
  "use strict";

  var Storage = root.FieldkitStorage;
  var subtle = root.crypto.subtle;
  var encoder = new TextEncoder();
  var RECORDS_TYPE = "application/x-fieldkit-records";

  // -- bytes, hashes and signatures (sync/signing.py) ------------------------------------------

  function hex(buffer) {
    return Array.from(new Uint8Array(buffer), function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
  }

  function unhex(text) {
    if (typeof text !== "string" || !/^([0-9a-f]{2})*$/i.test(text)) return null;
    var bytes = new Uint8Array(text.length / 2);
    for (var i = 0; i < bytes.length; i++) bytes[i] = parseInt(text.substr(2 * i, 2), 16);
    return bytes;
  }

  function bytesOf(value) { return typeof value === "string" ? encoder.encode(value) : new Uint8Array(value); }

  function sha256(value) { return subtle.digest("SHA-256", bytesOf(value)).then(hex); }

  /* A device key (64 hex digits) as a WebCrypto HMAC-SHA256 key that cannot be exported. */
  function importKey(hexKey) {
    var raw = unhex(hexKey);
    if (!raw || raw.length !== 32) return Promise.reject(new Error("a device key is 64 hex digits"));
    return subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
  }

  /* signing.sign: HMAC-SHA256 of `message` (text or bytes), as hex. */
  function sign(key, message) { return subtle.sign("HMAC", key, bytesOf(message)).then(hex); }

  /* signing.verify, constant time (WebCrypto's HMAC verify). */
  function verify(key, message, signature) {
    var mac = unhex(String(signature || "").toLowerCase());
    if (!mac || mac.length !== 32) return Promise.resolve(false);
    return subtle.verify("HMAC", key, mac, bytesOf(message));
  }

  /* signing.request_message: method, path, time, nonce and the body's SHA-256, one per line. */
  function requestMessage(method, path, timestamp, nonce, body) {
    return sha256(body || new Uint8Array(0)).then(function (digest) {
      return [method.toUpperCase(), path, timestamp, nonce, digest].join("\n");
    });
  }

  /* signing.response_message: what the central's answer signature covers. */
  function responseMessage(nonce, status, body) {
    return sha256(body).then(function (digest) { return ["response", nonce, String(status), digest].join("\n"); });
  }

  // -- errors ------------------------------------------------------------------------------------

  /* Why a send failed. `reason`: network, not_enrolled, revoked_device, unknown_device, bad_answer, refused. */
  function SendError(reason, message, status) {
    this.reason = reason;
    this.message = message;
    this.status = status || 0;
  }
  SendError.prototype = Object.create(Error.prototype);
  SendError.prototype.name = "SendError";

  // -- enrolment ---------------------------------------------------------------------------------

  function fetchJson(url, options) {
    return fetch(url, Object.assign({ credentials: "same-origin", cache: "no-store",
      headers: { Accept: "application/json", "X-Requested-With": "fetch" } }, options || {}))
      .catch(function (error) { throw new SendError("network", String(error.message || error)); })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (!response.ok || response.redirected) {
            throw new SendError(response.status === 401 ? "login" : "refused", data.error || String(response.status),
              response.status);
          }
          return data;
        });
      });
  }

  /* Enrol this browser for the logged-in user: the device id and key from the server, the key made unreadable. */
  function enrol(enrolUrl) {
    return fetchJson(enrolUrl).then(function (info) {
      if (!info.central) throw new SendError("refused", "only the central server enrols browsers");
      return fetchJson(enrolUrl, { method: "POST", headers: { Accept: "application/json", "X-Requested-With": "fetch",
        "X-CSRFToken": info.csrf_token, "Content-Type": "application/json" }, body: "{}" });
    }).then(function (answer) {
      return importKey(answer.key).then(function (key) {
        var device = { device_id: answer.device_id, key: key, name: answer.name, user: answer.user,
          api: answer.api, enrolled_at: new Date().toISOString(), revoked: null };
        // Kept under the user the server enrolled it for: the current user's, unless another logged in since.
        return Storage.putMeta(Storage.userKey("device", answer.user), device).then(function () { return device; });
      });
    });
  }

  /* The current user's enrolment of this browser (null if they have not enrolled it). */
  function device() { return Storage.getMeta(Storage.userKey("device")); }

  // -- signed requests ---------------------------------------------------------------------------

  var clock = { offset: 0 };  // the central's clock minus ours, learnt from a clock_skew answer

  function nonce() { return hex(root.crypto.getRandomValues(new Uint8Array(16))); }

  /* One signed request to the sync API; resolves to the JSON answer or rejects with a SendError. */
  function call(dev, method, path, body, contentType, extraHeaders) {
    var attempt = function (first) {
      var full = dev.api + path, timestamp = String(Math.floor(Date.now() / 1000 + clock.offset)), once = nonce();
      var payload = body ? bytesOf(body) : new Uint8Array(0);
      return requestMessage(method, full, timestamp, once, payload).then(function (message) {
        return sign(dev.key, message);
      }).then(function (signature) {
        var headers = Object.assign({ "Content-Type": contentType || "application/json", "X-Fieldkit-Device": dev.device_id,
          "X-Fieldkit-Timestamp": timestamp, "X-Fieldkit-Nonce": once, "X-Fieldkit-Signature": signature }, extraHeaders || {});
        return fetch(full, { method: method, headers: headers, body: method === "GET" ? undefined : payload,
          credentials: "omit", cache: "no-store" });
      }).catch(function (error) {
        if (error instanceof SendError) throw error;
        throw new SendError("network", String(error && error.message || error));
      }).then(function (response) {
        return response.arrayBuffer().catch(function (error) {
          throw new SendError("network", String(error && error.message || error));
        }).then(function (buffer) {
          var data;
          try { data = buffer.byteLength ? JSON.parse(new TextDecoder().decode(buffer)) : {}; } catch (e) { data = null; }
          if (response.status === 200) {
            return responseMessage(once, 200, buffer).then(function (message) {
              return verify(dev.key, message, response.headers.get("X-Fieldkit-Signature"));
            }).then(function (good) {
              if (!good || data === null) {
                throw new SendError("bad_answer", "the answer is not signed with this browser's key", 200);
              }
              return data;
            });
          }
          var error = data && typeof data === "object" ? data : {};
          if (first && error.reason === "clock_skew" && typeof error.server_time === "number") {
            clock.offset = error.server_time - Date.now() / 1000;
            return attempt(false);
          }
          var reason = error.reason === "revoked_device" || error.reason === "unknown_device" ? error.reason
            : (response.status >= 500 ? "server" : "refused");
          throw new SendError(reason, error.error || ("HTTP " + response.status), response.status);
        });
      });
    };
    return attempt(true);
  }

  // -- records (sync/records.py) -----------------------------------------------------------------

  /* A revision record's JSON text, answers first in canonical form, as records._revision_text writes it. */
  function recordText(revision, interview, dev, installation) {
    var deviceId = revision.device_id || installation || null;
    var rest = {
      kind: "revision", id: revision.id, submission_uuid: revision.submission_uuid, number: revision.number,
      parent_id: revision.parent_id || null, merge_parent_id: revision.merge_parent_id || null,
      questionnaire_id: revision.questionnaire_id, questionnaire_version: revision.questionnaire_version,
      municipality_code: revision.municipality_code, status: revision.status, content_hash: revision.content_hash,
      device_id: deviceId, author: revision.author || (dev && dev.user) || null, created: revision.created,
      comment: revision.comment || null,
      submission: { created: interview.created,
        interviewer: Storage.ownerOf(interview) || (dev && dev.user) || null, device_id: interview.device_id || deviceId }
    };
    // As records.py writes it: only when set, so that a record without a district reads as before.
    if (interview.district_code) rest.submission.district_code = interview.district_code;
    return '{"answers":' + Storage.canonical(revision.answers) + "," + Storage.canonical(rest).slice(1);
  }

  /* bundle.record_line: the SHA-256 of the record's text, a space, the text, a newline (as bytes). */
  function recordLine(text) {
    var data = encoder.encode(text);
    return sha256(data).then(function (digest) {
      var line = new Uint8Array(65 + data.length + 1);
      line.set(encoder.encode(digest + " "), 0);
      line.set(data, 65);
      line[line.length - 1] = 10;
      return line;
    });
  }

  function concat(parts) {
    var size = parts.reduce(function (sum, part) { return sum + part.length; }, 0);
    var out = new Uint8Array(size), at = 0;
    parts.forEach(function (part) { out.set(part, at); at += part.length; });
    return out;
  }

  /* [[revision, line bytes], ...] for every revision not yet acknowledged, parents first. */
  function pendingLines(dev) {
    return Promise.all([Storage.unacknowledged(), Storage.installationId()]).then(function (results) {
      var pending = results[0], installation = results[1];
      return Promise.all(pending.map(function (item) {
        return recordLine(recordText(item.revision, item.interview, dev, installation)).then(function (line) {
          return [item.revision, line];
        });
      }));
    });
  }

  // -- push -----------------------------------------------------------------------------------------

  var settings = { chunkBytes: 256 * 1024 };
  var running = null;

  /* Send every unacknowledged revision; resolves to a report, rejects with a SendError (everything is kept). */
  function push(progress) {
    if (running) return running;  // one send at a time in this tab
    running = device().then(function (dev) {
      if (!dev) throw new SendError("not_enrolled", "this browser is not enrolled");
      if (dev.revoked) throw new SendError("revoked_device", "the enrolment of this browser was revoked");
      var report = { sent: 0, acknowledged: 0, already: 0, chunks: 0, rejected: [], counts: {}, pending: 0 };
      return call(dev, "GET", "/acks").then(function (answer) {
        return Storage.acknowledge(answer.revision_ids || []);
      }).then(function (count) {
        report.already = count;
        return pendingLines(dev);
      }).then(function (lines) {
        report.pending = lines.length;
        var chunks = [], current = [], size = 0;
        lines.forEach(function (pair) {
          if (current.length && size + pair[1].length > settings.chunkBytes) { chunks.push(current); current = []; size = 0; }
          current.push(pair);
          size += pair[1].length;
        });
        if (current.length) chunks.push(current);
        return chunks.reduce(function (done, chunk) {
          return done.then(function () {
            var body = concat(chunk.map(function (pair) { return pair[1]; }));
            return call(dev, "POST", "/push", body, RECORDS_TYPE, { "X-Fieldkit-Chunk": Storage.uuid() })
              .then(function (answer) {
                var ids = chunk.map(function (pair) { return pair[0].id; });
                // Only what the answer names, and only revisions of this chunk, count as acknowledged.
                var acked = (answer.acknowledged || []).filter(function (id) { return ids.indexOf(id) >= 0; });
                return Storage.acknowledge(acked).then(function (count) {
                  return Storage.markRejected(answer.rejected || []).then(function () {
                    report.acknowledged += count;
                    report.sent += ids.length;
                    report.chunks += 1;
                    report.rejected = report.rejected.concat(answer.rejected || []);
                    Object.keys(answer.counts || {}).forEach(function (key) {
                      report.counts[key] = (report.counts[key] || 0) + Number(answer.counts[key]);
                    });
                    if (progress) progress(report);
                  });
                });
              });
          });
        }, Promise.resolve()).then(function () { return report; });
      });
    }).then(function (report) {
      return Storage.putMeta(Storage.userKey("last_send"), { at: new Date().toISOString(), ok: true, report: report })
        .then(function () { return report; });
    }, function (error) {
      var failure = error instanceof SendError ? error : new SendError("refused", String(error && error.message || error));
      var marking = failure.reason === "revoked_device" || failure.reason === "unknown_device"
        ? device().then(function (dev) {
          if (!dev) return null;
          dev.revoked = new Date().toISOString();
          return Storage.putMeta(Storage.userKey("device"), dev);
        }) : Promise.resolve();
      return marking.then(function () {
        return Storage.putMeta(Storage.userKey("last_send"), { at: new Date().toISOString(), ok: false, reason: failure.reason,
          message: failure.message, status: failure.status });
      }).then(function () { throw failure; });
    });
    var clear = function () { running = null; };
    running.then(clear, clear);
    return running;
  }

  // -- bundle files (sync/bundle.py) ---------------------------------------------------------------

  var CRC_TABLE = (function () {
    var table = new Uint32Array(256);
    for (var n = 0; n < 256; n++) {
      var c = n;
      for (var k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
    return table;
  })();

  function crc32(bytes) {
    var crc = 0xffffffff;
    for (var i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
    return (crc ^ 0xffffffff) >>> 0;
  }

  /* A zip of stored (uncompressed) entries: [[name, bytes], ...] -> bytes. No zip64: a bundle from a browser is small. */
  function zipStored(entries, when) {
    var moment = when || new Date();
    var dosTime = (moment.getHours() << 11) | (moment.getMinutes() << 5) | (moment.getSeconds() >> 1);
    var dosDate = ((moment.getFullYear() - 1980) << 9) | ((moment.getMonth() + 1) << 5) | moment.getDate();
    var locals = [], central = [], offset = 0;
    entries.forEach(function (entry) {
      var name = encoder.encode(entry[0]), data = entry[1], crc = crc32(data);
      var head = new DataView(new ArrayBuffer(30));
      [[0, 0x04034b50, 4], [4, 20, 2], [6, 0x0800, 2], [8, 0, 2], [10, dosTime, 2], [12, dosDate, 2], [14, crc, 4],
        [18, data.length, 4], [22, data.length, 4], [26, name.length, 2], [28, 0, 2]].forEach(function (f) {
        if (f[2] === 4) head.setUint32(f[0], f[1], true); else head.setUint16(f[0], f[1], true);
      });
      var record = new DataView(new ArrayBuffer(46));
      [[0, 0x02014b50, 4], [4, 20, 2], [6, 20, 2], [8, 0x0800, 2], [10, 0, 2], [12, dosTime, 2], [14, dosDate, 2],
        [16, crc, 4], [20, data.length, 4], [24, data.length, 4], [28, name.length, 2], [30, 0, 2], [32, 0, 2],
        [34, 0, 2], [36, 0, 2], [38, 0, 4], [42, offset, 4]].forEach(function (f) {
        if (f[2] === 4) record.setUint32(f[0], f[1], true); else record.setUint16(f[0], f[1], true);
      });
      locals.push(new Uint8Array(head.buffer), name, data);
      central.push(new Uint8Array(record.buffer), name);
      offset += 30 + name.length + data.length;
    });
    var directory = concat(central);
    var end = new DataView(new ArrayBuffer(22));
    end.setUint32(0, 0x06054b50, true);
    end.setUint16(8, entries.length, true);
    end.setUint16(10, entries.length, true);
    end.setUint32(12, directory.length, true);
    end.setUint32(16, offset, true);
    return concat(locals.concat([directory, new Uint8Array(end.buffer)]));
  }

  function gzip(bytes) {
    var stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
    return new Response(stream).arrayBuffer().then(function (buffer) { return new Uint8Array(buffer); });
  }

  /* Every unacknowledged revision as a signed bundle: resolves to {bytes, name, manifest, revision_ids}. */
  function bundle() {
    return device().then(function (dev) {
      if (!dev) throw new SendError("not_enrolled", "this browser is not enrolled");
      return pendingLines(dev).then(function (lines) {
        return gzip(concat(lines.map(function (pair) { return pair[1]; }))).then(function (records) {
          return sha256(records).then(function (digest) {
            var submissions = {};
            lines.forEach(function (pair) { submissions[pair[0].submission_uuid] = true; });
            var manifest = {
              format: "fieldkit-bundle", format_version: 1, bundle_id: Storage.uuid(), device_id: dev.device_id,
              created: new Date().toISOString(),
              counts: { questionnaires: 0, revisions: lines.length, submissions: Object.keys(submissions).length },
              records: { name: "records.jsonl.gz", sha256: digest, bytes: records.length, lines: lines.length },
              questionnaires: [], written_by: "fieldkit offline web app"
            };
            var manifestBytes = encoder.encode(JSON.stringify(manifest, null, 1));
            return sign(dev.key, manifestBytes).then(function (value) {
              var signature = encoder.encode(JSON.stringify({ algorithm: "HMAC-SHA256", device_id: dev.device_id,
                signed: "manifest.json", value: value }, null, 1));
              var stamp = manifest.created.slice(0, 19).replace(/[-:]/g, "").replace("T", "-");
              return { bytes: zipStored([["records.jsonl.gz", records], ["manifest.json", manifestBytes],
                ["signature.json", signature]]), name: "fieldkit-" + dev.name + "-" + stamp + ".fkb", manifest: manifest,
              revision_ids: lines.map(function (pair) { return pair[0].id; }) };
            });
          });
        });
      });
    });
  }

  root.FieldkitSync = {
    enrol: enrol, device: device, push: push, bundle: bundle, settings: settings, SendError: SendError,
    importKey: importKey, sign: sign, verify: verify, requestMessage: requestMessage, responseMessage: responseMessage,
    recordText: recordText, zipStored: zipStored, crc32: crc32
  };
})(typeof self !== "undefined" ? self : this);
