/* The offline app's durable store: IndexedDB, written before anything else happens on screen.
 *
 * Object stores (database "fieldkit-offline", version 1):
 *   forms       [id, version] -> {id, version, content_hash, digest, form, stored_at}   every version a draft
 *               may need; `digest` is the server's (forms.webjson.digest) and is checked before a form runs
 *   meta        key -> {key, value}                                           registry, texts, current forms
 *   interviews  uuid -> {uuid, questionnaire_id, questionnaire_version, content_hash, municipality_code,
 *                        county_code, district_code, status ("draft" | "complete"), raw, section_id, seq, created,
 *                        modified, head_revision, revision, sent_at, device_id, user, interviewer, completed, moves}
 *   revisions   id -> {id, submission_uuid, number, parent_id, merge_parent_id, questionnaire_id,
 *                      questionnaire_version, municipality_code, status, answers, content_hash, author,
 *                      device_id, created, acked_at, rejected}             (index: submission_uuid)
 * A revision has the fields of the central's revisions table (sync/store.py), and its content_hash is
 * computed as store.revision_hash computes it, so that a push (sync.js) sends it as it is. `acked_at`
 * is set only when the central's answer named the revision's id; an interview's `sent_at` is the
 * acknowledgement of its head revision (null while a newer revision or a draft waits).
 * meta also holds "device:USER" (USER's enrolment: id, non-extractable CryptoKey, user), "installation_id",
 * "user" (on a field laptop, the last user who opened the app online), "last_send:USER", "last_file:USER",
 * and on the central's app "signin:USER" (the verifier of USER's password, signin.js) and "signin_failures:USER"
 * ({count, last}: wrong passwords typed offline since the last right one).
 *
 * Several people may use one browser: each interview belongs to the user who started it (`user`), and
 * the lists here (unsent, sent, unacknowledged) hold only the current user's (setUser, once the user is known).
 * Defines `FieldkitStorage` on the global object; needs expr.js (for Python's float notation).
 */
(function (root) {
  "use strict";

  var NAME = "fieldkit-offline";
  var VERSION = 1;
  var opened = null;

  function promised(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function open() {
    if (opened) return opened;
    opened = new Promise(function (resolve, reject) {
      var request = indexedDB.open(NAME, VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        db.createObjectStore("forms", { keyPath: ["id", "version"] });
        db.createObjectStore("meta", { keyPath: "key" });
        db.createObjectStore("interviews", { keyPath: "uuid" });
        db.createObjectStore("revisions", { keyPath: "id" }).createIndex("submission_uuid", "submission_uuid");
      };
      request.onsuccess = function () {
        var db = request.result;
        db.onversionchange = function () { db.close(); opened = null; };  // another tab upgrades: let it
        resolve(db);
      };
      request.onerror = function () { opened = null; reject(request.error); };
      request.onblocked = function () { reject(new Error("the offline database is blocked by another tab")); };
    });
    return opened;
  }

  /* Run `work(stores)` in one readwrite (or readonly) transaction; resolves when it has committed. */
  function transaction(names, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(names, mode);
        var stores = {};
        names.forEach(function (name) { stores[name] = tx.objectStore(name); });
        var result;
        Promise.resolve(work(stores, tx)).then(function (value) { result = value; }, function (error) {
          try { tx.abort(); } catch (e) { /* already finished */ }
          reject(error);
        });
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error || new Error("the write was abandoned")); };
      });
    });
  }

  function now() { return new Date().toISOString(); }

  // -- whose interviews: several users may share one browser ------------------------------------

  var current = { user: null };

  /* The user the app works for now (logged in on the central, or signed in offline); lists are theirs. */
  function setUser(name) { current.user = name || null; }
  function user() { return current.user; }

  /* Who an interview belongs to: its `user`; one stored before interviews had owners names its interviewer. */
  function ownerOf(row) { return row.user !== undefined ? row.user : (row.interviewer || null); }

  function mine(row) { return ownerOf(row) === current.user; }

  /* The meta key of something kept per user ("device", "last_send", "last_file"). */
  function userKey(key, name) { return key + ":" + (name === undefined ? current.user : name); }

  /* Give interviews stored before they had owners to their interviewer, else to `name`; and move an enrolment
   * kept under the old key "device" to its user's key. One transaction; resolves when done. */
  function adopt(name) {
    if (!name) return Promise.resolve();
    return transaction(["interviews", "meta"], "readwrite", function (stores) {
      return Promise.all([promised(stores.interviews.getAll()), promised(stores.meta.get("device"))]).then(function (found) {
        found[0].forEach(function (row) {
          if (row.user !== undefined) return;
          row.user = row.interviewer || name;
          stores.interviews.put(row);
        });
        var old = found[1] && found[1].value;
        if (!old) return;
        var key = userKey("device", old.user || name);
        return promised(stores.meta.get(key)).then(function (held) {
          if (!held) stores.meta.put({ key: key, value: old });
          stores.meta.delete("device");
        });
      });
    });
  }

  function uuid() {
    if (root.crypto && root.crypto.randomUUID) return root.crypto.randomUUID();
    var bytes = root.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.from(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  // -- content hashes as the central computes them ------------------------------------------

  /* json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")) */
  function canonical(value) {
    if (value === null || value === undefined) return "null";
    if (typeof value === "boolean") return value ? "true" : "false";
    if (root.FieldkitExpr.isNumber(value)) return root.FieldkitExpr.pyStr(value);
    if (typeof value === "string") return JSON.stringify(value);
    if (Array.isArray(value)) return "[" + value.map(canonical).join(",") + "]";
    return "{" + Object.keys(value).sort().map(function (key) {
      return JSON.stringify(key) + ":" + canonical(value[key]);
    }).join(",") + "}";
  }

  function sha256(text) {
    return root.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(function (buffer) {
      return Array.from(new Uint8Array(buffer), function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    });
  }

  /* sync/store.py revision_hash: what a revision says and what it derives from. */
  function revisionHash(interview, answers, parentId) {
    return sha256(canonical({
      submission: interview.uuid, questionnaire: interview.questionnaire_id,
      version: interview.questionnaire_version, municipality: interview.municipality_code,
      answers: answers, parent: parentId || null, merge_parent: null
    }));
  }

  // -- forms and meta -------------------------------------------------------------------------

  /* JSON text as forms.webjson.js_canonical writes it: keys sorted, no spaces, numbers as JavaScript prints them. */
  function jsCanonical(value) {
    if (value === null || value === undefined) return "null";
    if (Array.isArray(value)) return "[" + value.map(jsCanonical).join(",") + "]";
    if (typeof value === "object") {
      return "{" + Object.keys(value).sort().map(function (key) {
        return JSON.stringify(key) + ":" + jsCanonical(value[key]);
      }).join(",") + "}";
    }
    return JSON.stringify(value);
  }

  /* The digest of a JSON form (without its own `digest`), as the server computed it. */
  function formDigest(form) {
    var body = {};
    Object.keys(form).forEach(function (key) { if (key !== "digest") body[key] = form[key]; });
    return sha256(jsCanonical(body));
  }

  /* A stored form that must not run: `code` is "tampered" (it no longer matches the server's digest). */
  function FormProblem(code, id, version) {
    this.code = code;
    this.id = id;
    this.version = version;
    this.message = code + ": " + id + " " + version;
  }
  FormProblem.prototype = Object.create(Error.prototype);
  FormProblem.prototype.name = "FormProblem";

  /* Keep the server's forms: `documents` are the current versions, `kept` older ones drafts still use.
   * Resolves to the [id, version] of stored copies that differed from the server's and were replaced. */
  function putForms(documents, kept) {
    var all = documents.concat(kept || []);
    var keys = all.map(function (form) { return [form.id, form.version]; });
    // Which stored copies differ from the server's (or no longer match their own digest): read and check first,
    // since a transaction does not wait for WebCrypto.
    return transaction(["forms"], "readonly", function (stores) {
      return Promise.all(keys.map(function (key) { return promised(stores.forms.get(key)); }));
    }).then(function (rows) {
      return Promise.all(rows.map(function (row, i) {
        if (!row) return false;
        if (row.digest !== all[i].digest) return true;
        return formDigest(row.form).then(function (digest) { return digest !== row.digest; });
      }));
    }).then(function (differs) {
      return transaction(["forms", "meta"], "readwrite", function (stores) {
        all.forEach(function (form) {
          stores.forms.put({ id: form.id, version: form.version, content_hash: form.content_hash, digest: form.digest,
            form: form, stored_at: now() });
        });
        stores.meta.put({ key: "current_forms", value: documents.map(function (f) { return [f.id, f.version]; }) });
      }).then(function () { return keys.filter(function (_key, i) { return differs[i]; }); });
    });
  }

  /* A stored form, checked against its digest first: null if absent, a FormProblem rejection if it was changed. */
  function getForm(id, version) {
    return transaction(["forms"], "readonly", function (stores) { return promised(stores.forms.get([id, version])); })
      .then(function (row) {
        if (!row) return null;
        return formDigest(row.form).then(function (digest) {
          if (!row.digest || digest !== row.digest || row.form.id !== id || row.form.version !== version) {
            throw new FormProblem("tampered", id, version);
          }
          return row.form;
        });
      });
  }

  /* The current forms that pass their check, and the problems of those that do not. */
  function currentForms() {
    var problems = [];
    return getMeta("current_forms").then(function (keys) {
      return Promise.all((keys || []).map(function (key) {
        return getForm(key[0], key[1]).catch(function (error) {
          if (error instanceof FormProblem) { problems.push(error); return null; }
          throw error;
        });
      }));
    }).then(function (forms) {
      var found = forms.filter(Boolean);
      found.problems = problems;
      return found;
    });
  }

  /* Every [id, version] the interviews in this browser use. */
  function versionsInUse() {
    return listInterviews().then(function (rows) {
      var seen = {};
      rows.forEach(function (row) { seen[row.questionnaire_id + ":" + row.questionnaire_version] = true; });
      return Object.keys(seen);
    });
  }

  function putMeta(key, value) {
    return transaction(["meta"], "readwrite", function (stores) { stores.meta.put({ key: key, value: value }); });
  }

  function getMeta(key) {
    return transaction(["meta"], "readonly", function (stores) {
      return promised(stores.meta.get(key)).then(function (row) { return row ? row.value : null; });
    });
  }

  /* The values of every meta key that starts with `prefix` ("signin:" gives each user's verifier). */
  function listMeta(prefix) {
    return transaction(["meta"], "readonly", function (stores) {
      return promised(stores.meta.getAll(IDBKeyRange.bound(prefix, prefix + "\uffff")));
    }).then(function (rows) { return rows.map(function (row) { return row.value; }).filter(Boolean); });
  }

  function deleteMeta(key) {
    return transaction(["meta"], "readwrite", function (stores) { stores.meta.delete(key); });
  }

  // -- interviews -----------------------------------------------------------------------------

  /* This browser's installation id (made once): the revisions' device_id and the deviceid metadata. */
  function installationId() {
    return getMeta("installation_id").then(function (id) {
      if (id) return id;
      id = "webb-" + uuid();
      return transaction(["meta"], "readwrite", function (stores) {
        return promised(stores.meta.get("installation_id")).then(function (row) {
          if (row) { id = row.value; return; }
          stores.meta.put({ key: "installation_id", value: id });
        });
      }).then(function () { return id; });
    });
  }

  /* Start a draft for the current user; `district` (a code or null) is set for a form answered per district. */
  function startInterview(form, municipality, district) {
    var stamp = now();
    return Promise.all([installationId()]).then(function (found) {
      var raw = root.FieldkitAnswers ? root.FieldkitAnswers.record(form, {}, { started: new Date(), deviceId: found[0],
        username: current.user }) : {};
      var interview = {
        uuid: uuid(), questionnaire_id: form.id, questionnaire_version: form.version, content_hash: form.content_hash,
        municipality_code: municipality.code, county_code: municipality.county_code, district_code: district || null,
        status: "draft", raw: raw, section_id: form.sections[0].id, seq: 0, created: stamp, modified: stamp,
        head_revision: null, revision: 0, sent_at: null, device_id: found[0], user: current.user,
        interviewer: current.user
      };
      return transaction(["interviews"], "readwrite", function (stores) { stores.interviews.add(interview); })
        .then(function () { return interview; });
    });
  }

  function getInterview(id) {
    return transaction(["interviews"], "readonly", function (stores) { return promised(stores.interviews.get(id)); });
  }

  function listInterviews() {
    return transaction(["interviews"], "readonly", function (stores) { return promised(stores.interviews.getAll()); })
      .then(function (rows) { return rows.sort(function (a, b) { return a.modified < b.modified ? 1 : -1; }); });
  }

  /* Save the draft's raw values (and where the interviewer is) in one transaction; resolves to the saved record.
   * With `seq`, the save is refused (error name "ChangedElsewhere") if another tab saved the draft since. */
  function saveDraft(id, raw, sectionId, seq) {
    return transaction(["interviews"], "readwrite", function (stores) {
      return promised(stores.interviews.get(id)).then(function (interview) {
        if (!interview || interview.status !== "draft") throw new Error("the interview is not open for editing");
        if (seq !== undefined && seq !== null && interview.seq !== seq) {
          var changed = new Error("the interview was changed in another tab or window");
          changed.name = "ChangedElsewhere";
          throw changed;
        }
        interview.raw = raw;
        interview.section_id = sectionId;
        interview.seq += 1;
        interview.modified = now();
        stores.interviews.put(interview);
        return interview;
      });
    });
  }

  /* Record cleaned answers as a new revision and mark the interview complete, in one transaction.
   * A reopened interview completed with the answers it had makes no revision (as store.complete_submission). */
  function complete(id, answers, author) {
    return getInterview(id).then(function (before) {
      return Promise.all([revisionHash(before, answers, before.head_revision), installationId()]).then(function (found) {
        var digest = found[0];
        return transaction(["interviews", "revisions"], "readwrite", function (stores) {
          return promised(stores.interviews.get(id)).then(function (interview) {
            if (!interview || interview.status !== "draft" || interview.seq !== before.seq) {
              throw new Error("the interview changed while it was being completed");
            }
            var stamp = now();
            if (interview.head_revision) {
              return promised(stores.revisions.get(interview.head_revision)).then(function (head) {
                if (!head || canonical(head.answers) !== canonical(answers)) return add(interview, stamp);
                interview.status = "complete";
                interview.modified = stamp;
                interview.sent_at = head.acked_at || null;
                stores.interviews.put(interview);
                return head;
              });
            }
            return add(interview, stamp);
          });
          function add(interview, stamp) {
            var revision = {
              id: uuid(), submission_uuid: id, number: interview.revision + 1, parent_id: interview.head_revision,
              merge_parent_id: null, questionnaire_id: interview.questionnaire_id,
              questionnaire_version: interview.questionnaire_version, municipality_code: interview.municipality_code,
              status: "complete", answers: answers, content_hash: digest, author: author || ownerOf(interview),
              device_id: found[1], created: stamp, acked_at: null, rejected: null
            };
            stores.revisions.add(revision);
            interview.status = "complete";
            interview.head_revision = revision.id;
            interview.revision = revision.number;
            interview.modified = stamp;
            interview.completed = interview.completed || stamp;
            interview.sent_at = null;
            stores.interviews.put(interview);
            return revision;
          }
        });
      });
    });
  }

  /* Open a completed interview for editing again: its head's answers become the draft; completing makes a child. */
  function reopen(id) {
    return transaction(["interviews", "revisions"], "readwrite", function (stores) {
      return promised(stores.interviews.get(id)).then(function (interview) {
        if (!interview || interview.status !== "complete") throw new Error("only a completed interview can be reopened");
        return promised(stores.revisions.get(interview.head_revision)).then(function (head) {
          interview.raw = rawOf(head ? head.answers : {});
          interview.status = "draft";
          interview.seq += 1;
          interview.modified = now();
          interview.sent_at = null;
          stores.interviews.put(interview);
          return interview;
        });
      });
    });
  }

  /* Cleaned answers as the raw values the pages edit: matrix rows as "q/row" keys, numbers as Python writes them. */
  function rawOf(answers) {
    var raw = {};
    Object.keys(answers).forEach(function (key) {
      var value = answers[key];
      if (value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Number)) {
        Object.keys(value).forEach(function (row) { raw[key + "/" + row] = value[row]; });
      } else if (root.FieldkitExpr.isNumber(value)) raw[key] = root.FieldkitExpr.pyStr(value);
      else raw[key] = value;
    });
    return raw;
  }

  // -- moving a draft to a newer version (as sync/drafts.py does on laptops) --------------------

  /* Question types whose values can move to another type unchanged (then cleaned by the new question). */
  var COMPATIBLE = {
    integer: ["integer", "decimal", "money", "year"], year: ["year", "integer"], money: ["money", "integer", "decimal"],
    decimal: ["decimal"], text: ["text", "longtext"], longtext: ["longtext", "text"], single: ["single", "scale"],
    scale: ["scale", "single"], yesno: ["yesno"], multi: ["multi"], matrix: ["matrix"], date: ["date"]
  };

  function questionsOf(form) {
    var out = [];
    form.sections.forEach(function (section) { section.questions.forEach(function (q) { out.push(q); }); });
    return out;
  }

  function blank(value) {
    return value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length) ||
      (typeof value === "object" && !Array.isArray(value) && !Object.keys(value).length);
  }

  /* drafts.plan: {raw, carried, dropped} for the new version; every answer that still fits is carried. */
  function planMove(oldForm, newForm, raw) {
    var byId = {};
    questionsOf(newForm).forEach(function (q) { byId[q.id] = q; });
    var carriedRaw = {}, carried = [], dropped = [], claimed = {};
    questionsOf(oldForm).forEach(function (q) {
      var values = {};
      Object.keys(raw).forEach(function (key) {
        if (key !== q.id && key.indexOf(q.id + "/") !== 0) return;
        claimed[key] = true;
        if (!blank(raw[key])) values[key] = raw[key];
      });
      if (!Object.keys(values).length) return;
      var target = byId[q.id], reason = null;
      if (!target) reason = "the question is not in the new version";
      else if ((COMPATIBLE[q.type] || [q.type]).indexOf(target.type) < 0) {
        reason = "the question changed type from " + q.type + " to " + target.type;
      } else {
        if (target.type === "multi" && !target.other) delete values[q.id + "/annat"];
        try {
          if (root.FieldkitAnswers.cleanValue(target, values)[0] === null) reason = "the answer is not valid in the new version";
        } catch (error) {
          reason = "the answer is not valid in the new version: " +
            root.FieldkitAnswers.message(newForm, error.code, "en", error.params);
        }
      }
      if (reason) { dropped.push({ question: q.id, reason: reason, value: values }); return; }
      Object.keys(values).forEach(function (key) { carriedRaw[key] = values[key]; });
      carried.push(q.id);
    });
    Object.keys(raw).forEach(function (key) {
      if (!claimed[key] && !blank(raw[key])) dropped.push({ question: key, reason: "not a question of the old version", value: raw[key] });
    });
    return { raw: carriedRaw, carried: carried, dropped: dropped };
  }

  /* Move a never-completed draft to `newForm`, in one transaction; what could not be carried is kept in `moves`. */
  function moveDraft(id, newForm) {
    return getInterview(id).then(function (before) {
      if (!before || before.status !== "draft" || before.head_revision) {
        throw new Error("only a draft that was never completed can move to another questionnaire version");
      }
      return getForm(before.questionnaire_id, before.questionnaire_version).then(function (oldForm) {
        var planned = planMove(oldForm, newForm, before.raw || {});
        return transaction(["interviews"], "readwrite", function (stores) {
          return promised(stores.interviews.get(id)).then(function (interview) {
            if (interview.seq !== before.seq) throw new Error("the interview changed while it was being moved");
            var stamp = now();
            var move = { at: stamp, from_version: interview.questionnaire_version, to_version: newForm.version,
              carried: planned.carried, dropped: planned.dropped };
            interview.raw = planned.raw;
            interview.questionnaire_version = newForm.version;
            interview.content_hash = newForm.content_hash;
            if (!newForm.sections.some(function (s) { return s.id === interview.section_id; })) {
              interview.section_id = newForm.sections[0].id;
            }
            interview.moves = (interview.moves || []).concat([move]);
            interview.seq += 1;
            interview.modified = stamp;
            stores.interviews.put(interview);
            return move;
          });
        });
      });
    });
  }

  // -- what waits to be sent, and what the central acknowledged ---------------------------------

  /* [{revision, interview}] of every revision of the current user's the central has not acknowledged: by interview,
   * parents first. */
  function unacknowledged() {
    return transaction(["interviews", "revisions"], "readonly", function (stores) {
      return Promise.all([promised(stores.revisions.getAll()), promised(stores.interviews.getAll())]);
    }).then(function (found) {
      var interviews = {};
      found[1].forEach(function (row) { if (mine(row)) interviews[row.uuid] = row; });
      return found[0].filter(function (r) { return !r.acked_at && interviews[r.submission_uuid]; }).sort(function (a, b) {
        return a.submission_uuid < b.submission_uuid ? -1 : a.submission_uuid > b.submission_uuid ? 1 : a.number - b.number;
      }).map(function (r) { return { revision: r, interview: interviews[r.submission_uuid] }; });
    });
  }

  /* Mark these revision ids acknowledged (ids this browser does not hold are ignored); resolves to how many were new. */
  function acknowledge(ids) {
    if (!ids.length) return Promise.resolve(0);
    var stamp = now();
    return transaction(["interviews", "revisions"], "readwrite", function (stores) {
      var count = 0, touched = {};
      return Promise.all(ids.map(function (id) {
        return promised(stores.revisions.get(id)).then(function (revision) {
          if (!revision || revision.acked_at) return;
          revision.acked_at = stamp;
          revision.rejected = null;
          stores.revisions.put(revision);
          touched[revision.submission_uuid] = true;
          count += 1;
        });
      })).then(function () {
        return Promise.all(Object.keys(touched).map(function (sid) {
          return promised(stores.interviews.get(sid)).then(function (interview) {
            return promised(stores.revisions.get(interview.head_revision)).then(function (head) {
              if (interview.status === "complete" && head && head.acked_at) {
                interview.sent_at = head.acked_at;
                stores.interviews.put(interview);
              }
            });
          });
        }));
      }).then(function () { return count; });
    });
  }

  /* Keep the central's reason for each refused revision ([{id, reason}]); they stay unsent. */
  function markRejected(rejected) {
    if (!rejected.length) return Promise.resolve();
    return transaction(["revisions"], "readwrite", function (stores) {
      return Promise.all(rejected.map(function (item) {
        return promised(stores.revisions.get(item.id)).then(function (revision) {
          if (!revision) return;
          revision.rejected = String(item.reason);
          stores.revisions.put(revision);
        });
      }));
    });
  }

  function revisionsOf(id) {
    return transaction(["revisions"], "readonly", function (stores) {
      return promised(stores.revisions.index("submission_uuid").getAll(id));
    }).then(function (rows) { return rows.sort(function (a, b) { return a.number - b.number; }); });
  }

  /* The current user's interviews with a revision that has not been sent (drafts too: they are not safe anywhere else). */
  function unsent() {
    return listInterviews().then(function (rows) { return rows.filter(function (row) { return mine(row) && !row.sent_at; }); });
  }

  /* How many interviews of other users wait in this browser (never what they are). */
  function othersUnsent() {
    return listInterviews().then(function (rows) {
      return rows.filter(function (row) { return !mine(row) && !row.sent_at; }).length;
    });
  }

  /* The current user's interviews whose head revision the central acknowledged, the latest first. */
  function sent() {
    return listInterviews().then(function (rows) {
      return rows.filter(function (row) { return mine(row) && row.sent_at; })
        .sort(function (a, b) { return a.sent_at < b.sent_at ? 1 : -1; });
    });
  }

  root.FieldkitStorage = {
    open: open, putForms: putForms, getForm: getForm, currentForms: currentForms, putMeta: putMeta, getMeta: getMeta,
    listMeta: listMeta, deleteMeta: deleteMeta,
    startInterview: startInterview, getInterview: getInterview, listInterviews: listInterviews, saveDraft: saveDraft,
    complete: complete, revisionsOf: revisionsOf, unsent: unsent, canonical: canonical, revisionHash: revisionHash,
    reopen: reopen, sent: sent, unacknowledged: unacknowledged, acknowledge: acknowledge, markRejected: markRejected,
    installationId: installationId, uuid: uuid, formDigest: formDigest, jsCanonical: jsCanonical,
    FormProblem: FormProblem, versionsInUse: versionsInUse, planMove: planMove, moveDraft: moveDraft,
    setUser: setUser, user: user, ownerOf: ownerOf, mine: mine, userKey: userKey, adopt: adopt,
    othersUnsent: othersUnsent
  };
})(typeof self !== "undefined" ? self : this);
