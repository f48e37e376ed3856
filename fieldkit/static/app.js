// fieldkit pages: autosave of interview drafts, relevance while answering, municipality filter, choice filters.
// Everything works without JavaScript; this only makes it quicker and safer.
(function () {
  "use strict";

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  // Type-ahead on the municipality list: filters the options by name or code.
  function setupFilter(input) {
    var select = document.getElementById(input.getAttribute("data-filter-select"));
    if (!select) return;
    input.hidden = false;
    input.addEventListener("input", function () {
      var needle = fold(input.value.trim());
      var first = null;
      Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
        var any = false;
        Array.prototype.forEach.call(group.querySelectorAll("option"), function (option) {
          var hit = !needle || fold(option.textContent).indexOf(needle) !== -1 || fold(group.label).indexOf(needle) === 0;
          option.hidden = !hit;
          option.disabled = !hit;
          if (hit) { any = true; if (!first) first = option; }
        });
        group.hidden = !any;
      });
      if (needle && first) select.value = first.value;
    });
  }

  // The browser keeps a copy of the page's answers (localStorage) from the first keystroke until the server has
  // acknowledged exactly that content. A page change first saves; if the server cannot be reached the page stays.
  function Autosave(form) {
    this.form = form;
    this.url = form.getAttribute("data-autosave-url");
    this.delay = parseInt(form.getAttribute("data-autosave-delay"), 10) || 2500;
    this.key = "fieldkit:draft:" + form.getAttribute("data-submission") + ":" + form.getAttribute("data-section");
    this.state = document.getElementById("save-state");
    this.seq = parseInt(form.getAttribute("data-seq"), 10) || 0;
    this.version = draftVersion(this.seq, form.getAttribute("data-saved-at"));
    this.base = form.getAttribute("data-version") || "";        // the section's saved answers this page last saw
    this.prints = form.getAttribute("data-instances") || "{}";  // and their repeats' instances (collect.py)
    this.acked = null;     // the content (serialized) the server is known to hold
    this.beacon = null;    // the content last sent while the page was being hidden
    this.timer = null;
    this.inflight = 0;
    this.again = false;
    this.leaving = null;   // the button of a page change that waits for its save
    this.submitting = false;
    this.checkUrl = form.getAttribute("data-check-url");
    this.checking = false;
  }

  // How often a page that is shown asks whether another tab saved its section (`check`).
  var CHECK_EVERY = 30000;

  var KEEPALIVE = (function () {
    try { return "keepalive" in new Request(""); } catch (e) { return false; }
  })();

  function storageWorks() {
    try {
      localStorage.setItem("fieldkit:probe", "1");
      localStorage.removeItem("fieldkit:probe");
      return true;
    } catch (e) {
      return false;
    }
  }

  // Which save of the draft the server has: a reopened draft starts again at seq 0, with a new time.
  function draftVersion(seq, savedAt) {
    return seq + "@" + (savedAt || "");
  }

  Autosave.prototype.text = function (name, time) {
    var t = this.form.getAttribute("data-text-" + name) || "";
    return time ? t.replace("{time}", time) : t;
  };

  // `kind`: "offline" (a notice: the browser keeps the answers) or "refused" (the server said what to correct).
  Autosave.prototype.show = function (message, kind) {
    if (!this.state) return;
    this.state.textContent = message;
    this.state.classList.toggle("offline", kind === "offline");
    this.state.classList.toggle("refused", kind === "refused");
  };

  // The answers as the form would post them (FormData's order), or with `rendered` as the server sent them:
  // a reload can put back values of the browser's own before this script runs.
  Autosave.prototype.snapshot = function (rendered) {
    var data = {};
    Array.prototype.forEach.call(this.form.elements, function (el) {
      var name = el.name, type = el.type, values = [];
      if (!name || el.disabled || name === "csrf_token" || name === "shown" || name === "action") return;
      if (el.tagName === "BUTTON" || type === "submit" || type === "button" || type === "reset" || type === "file") return;
      if (type === "radio" || type === "checkbox") {
        if (rendered ? el.defaultChecked : el.checked) values.push(el.value);
      } else if (el.tagName === "SELECT") {
        var picked = Array.prototype.filter.call(el.options, function (o) { return rendered ? o.defaultSelected : o.selected; });
        if (rendered && !el.multiple) picked = picked.length ? picked.slice(-1) : Array.prototype.slice.call(el.options, 0, 1);
        picked.forEach(function (o) { values.push(o.value); });
      } else if (el.tagName === "INPUT" || el.tagName === "TEXTAREA") {
        values.push(rendered ? el.defaultValue : el.value);
      }
      values.forEach(function (value) { (data[name] = data[name] || []).push(value); });
    });
    return data;
  };

  Autosave.prototype.serialize = function () {
    return canonical(this.snapshot());
  };

  Autosave.prototype.unsaved = function () {
    return this.serialize() !== this.acked;
  };

  // The copy records what the server held when it was made, so a later visit can tell whether it is stale.
  Autosave.prototype.keep = function () {
    try {
      localStorage.setItem(this.key, JSON.stringify({
        at: Date.now(), values: this.snapshot(), base: this.acked, version: this.version
      }));
    } catch (e) { /* storage full or off */ }
  };

  Autosave.prototype.forget = function () {
    try { localStorage.removeItem(this.key); } catch (e) { /* ignore */ }
  };

  Autosave.prototype.schedule = function (ms) {
    var self = this;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () { self.timer = null; self.save(); }, ms);
  };

  Autosave.prototype.changed = function (soon) {
    this.keep();
    this.show(this.text("unsaved"));
    this.schedule(soon ? 300 : this.delay);
  };

  // Send the form as it is now. `keepalive` is for a page being hidden or closed: it goes out at once, even
  // beside another save, and outlives the page.
  Autosave.prototype.save = function (keepalive) {
    if (this.submitting) return;  // the page change carries the answers now
    if (this.inflight && !keepalive) { this.again = true; return; }
    var self = this;
    var sent = this.serialize();
    var body = this.body();
    clearTimeout(this.timer);
    this.timer = null;
    this.inflight += 1;
    if (keepalive) this.beacon = sent;
    else this.show(this.text("saving"));
    var controller = !keepalive && window.AbortController ? new AbortController() : null;
    var limit = controller ? setTimeout(function () { controller.abort(); }, 15000) : null;
    fetch(this.url, {
      method: "POST", body: body, credentials: "same-origin", keepalive: !!keepalive,
      signal: controller ? controller.signal : undefined,
      headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) {
        // A refusal says why (JSON); anything else in the way (a proxy's page) has no reasons to read.
        return response.json().catch(function () { return null; }).then(function (reply) {
          var error = new Error("status " + response.status);
          error.status = response.status;
          error.reply = reply;
          throw error;
        });
      }
      return response.json();
    }).then(function (result) {
      self.acknowledged(sent, result);
    }).catch(function (error) {
      if (keepalive) self.beacon = null;
      self.failed(error, sent);
    }).finally(function () {
      clearTimeout(limit);
      self.inflight -= 1;
      if (self.again && !self.inflight) { self.again = false; self.save(); }
    });
  };

  Autosave.prototype.acknowledged = function (sent, result) {
    if (result.seq < this.seq) return;  // a reply overtaken by a later save's
    this.seq = result.seq;
    this.version = draftVersion(result.seq, result.saved_at);
    var posted = sent;
    sent = this.reconcile(sent, result);  // what another tab saved meanwhile
    this.acked = sent;
    this.form.setAttribute("data-seq", result.seq);
    this.applyRelevance(result.hidden || []);
    this.markRefused({});  // the server took these answers: nothing of them is to be corrected
    if (this.serialize() === sent) {
      this.forgetIfAcked(posted);
      this.show(this.text("saved", result.saved_time));  // the server's clock (Swedish time), as on its pages
      if (this.leaving) this.go();
    } else {
      // Changed while the request was under way: the copy stays, and the rest is saved too.
      this.keep();
      this.show(this.text("unsaved"));
      if (this.leaving) this.save();
      else if (!this.timer) this.schedule(this.delay);
    }
  };

  Autosave.prototype.failed = function (error, sent) {
    this.again = false;
    var leaving = this.leaving;
    if (leaving && error.status && error.status < 500) {
      this.go();  // the server is there and refused the save: the page change lets it say why
      return;
    }
    this.leaving = null;
    if (error.status === 422 && error.reply && error.reply.errors) {
      // Refused as it stands, so sending it again is no use; what was typed meanwhile is sent. The copy stays.
      this.markRefused(error.reply.errors);
      this.show(this.text("refused"), "refused");
      if (this.serialize() !== sent && !this.timer) this.schedule(this.delay);
      return;
    }
    this.show(this.text(leaving ? "offline-stay" : "offline"), "offline");
    this.schedule(10000);
  };

  // A paragraph for a question's own message, where the server puts one (macros.html): under the question's
  // help, else under its legend.
  function noteIn(box, key, id, className, role) {
    var p = document.createElement("p");
    p.className = className;
    p.id = id;
    p.setAttribute("role", role);
    var help = document.getElementById("help-" + key);
    var after = help && help.parentNode === box ? help : box.querySelector("legend");
    if (after && after.parentNode !== box) after = null;
    box.insertBefore(p, after ? after.nextSibling : box.firstChild);
    return p;
  }

  // Show an autosave's refusals ({question key: message}) beside their questions as the server renders
  // errors (macros.html): the message under the question's help, aria-invalid on its text boxes, its inputs
  // described by the message. What an earlier refusal marked and this one does not is unmarked.
  Autosave.prototype.markRefused = function (errors) {
    var form = this.form;
    Array.prototype.forEach.call(form.querySelectorAll("p.error[data-refused]"), function (p) {
      if (Object.prototype.hasOwnProperty.call(errors, p.getAttribute("data-refused"))) return;
      var box = p.closest(".question");
      if (box) box.classList.remove("has-error");
      Array.prototype.forEach.call(form.querySelectorAll("[aria-describedby]"), function (el) {
        var ids = el.getAttribute("aria-describedby").split(" ");
        if (ids.indexOf(p.id) === -1) return;
        ids = ids.filter(function (id) { return id && id !== p.id; });
        if (ids.length) el.setAttribute("aria-describedby", ids.join(" "));
        else el.removeAttribute("aria-describedby");
        el.removeAttribute("aria-invalid");
      });
      p.remove();
    });
    Object.keys(errors).forEach(function (key) {
      var box = form.querySelector('.question[data-qid="' + CSS.escape(key) + '"]');
      if (!box) return;
      var id = "err-" + key;
      var p = document.getElementById(id) || noteIn(box, key, id, "error", "alert");
      p.setAttribute("data-refused", key);
      if (p.textContent !== errors[key]) p.textContent = errors[key];
      box.classList.add("has-error");
      Array.prototype.forEach.call(box.querySelectorAll("input, textarea, select"), function (el) {
        if (el.type === "hidden" || el.closest(".question") !== box) return;  // not an instance's own questions
        var ids = (el.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
        if (ids.indexOf(id) === -1) el.setAttribute("aria-describedby", ids.concat([id]).join(" "));
        if (el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && ["radio", "checkbox", "range"].indexOf(el.type) === -1)) {
          el.setAttribute("aria-invalid", "true");
        }
      });
    });
  };

  // Change the page the way the button asked, now that the server has the answers.
  Autosave.prototype.go = function () {
    var button = this.leaving;
    this.leaving = null;
    this.submitting = true;
    clearTimeout(this.timer);
    this.timer = null;
    if (button && button.name) {
      var action = document.createElement("input");
      action.type = "hidden"; action.name = button.name; action.value = button.value;
      action.setAttribute("data-leaving", "");
      this.form.appendChild(action);
    }
    this.markForm();
    HTMLFormElement.prototype.submit.call(this.form);
  };

  Autosave.prototype.applyRelevance = function (hidden) {
    var form = this.form;
    Array.prototype.forEach.call(form.querySelectorAll(".question[data-qid]"), function (box) {
      var qid = box.getAttribute("data-qid");
      var hide = hidden.indexOf(qid) !== -1;
      box.hidden = hide;
      var marker = form.querySelector('input[name="shown"][value="' + CSS.escape(qid) + '"]');
      if (hide && marker) marker.remove();
      if (!hide && !marker) {
        marker = document.createElement("input");
        marker.type = "hidden"; marker.name = "shown"; marker.value = qid;
        box.parentNode.insertBefore(marker, box);  // a question of a repeat's instance sits deeper than the form
      }
    });
    form.dispatchEvent(new CustomEvent("fieldkit:relevance"));  // a question asked or no longer asked
  };

  // Answers kept in the browser that the server never acknowledged (it was down, the tab was closed): put
  // them back, unless the server's draft has moved on since the copy was made.
  Autosave.prototype.restore = function () {
    var saved;
    try { saved = JSON.parse(localStorage.getItem(this.key) || "null"); } catch (e) { saved = null; }
    if (!saved || !saved.values) return;
    if (canonical(saved.values) === this.acked) { this.forget(); return; }
    var current;
    if (saved.version === undefined) {  // a copy made before copies recorded their base
      current = saved.at > (Date.parse(this.form.getAttribute("data-saved-at") || "") || 0);
    } else {
      current = saved.version === this.version || (saved.base !== null && saved.base === this.acked);
    }
    if (!current) { this.forget(); return; }
    var form = this.form, seen = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      var name = el.name;
      if (!name || name === "csrf_token" || name === "shown" || name === "action" || el.type === "submit") return;
      var values = saved.values[name] || [];
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = values.indexOf(el.value) !== -1;
      } else {
        seen[name] = (seen[name] || 0) + 1;
        el.value = values[seen[name] - 1] || "";
      }
    });
    this.keep();
    this.show(this.text("restored"));
    this.save();
  };

  // Everything not yet acknowledged goes out before the page is hidden; the copy stays until it is.
  Autosave.prototype.flush = function () {
    if (this.submitting || !this.unsaved()) return;
    var content = this.serialize();
    if (this.inflight && this.beacon === content) return;
    this.keep();
    if (KEEPALIVE || !navigator.sendBeacon) this.save(true);
    else navigator.sendBeacon(this.url, this.body());  // no reply to read, but it outlives the page
  };

  Autosave.prototype.start = function () {
    var self = this;
    this.acked = canonical(this.snapshot(true));
    if (this.unsaved()) {
      // The browser put back values of its own (a reload). The copy has every keystroke and is checked
      // against the server's draft; without storage those values are the only copy, so they are kept.
      if (storageWorks()) this.form.reset();
      else this.changed();
    }
    this.restore();
    this.form.addEventListener("input", function (event) {
      var t = event.target;
      self.exclusive(t);
      self.changed(t.type === "radio" || t.type === "checkbox");
    });
    // "Clear the answer" unchecks the question's radio buttons here instead of posting the page back.
    this.form.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest('button[name="clear"]');
      if (!button) return;
      event.preventDefault();
      Array.prototype.forEach.call(self.form.querySelectorAll('input[type="radio"][name="' + CSS.escape(button.value) + '"]'),
        function (radio) { radio.checked = false; });
      self.changed(true);
    });
    this.form.addEventListener("submit", function (event) {
      if (self.submitting) return;
      event.preventDefault();
      self.leaving = event.submitter || null;
      self.show(self.text("saving"));
      self.save();
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") self.flush();
      else self.check();
    });
    window.addEventListener("focus", function () { self.check(); });
    setInterval(function () { self.check(); }, CHECK_EVERY);
    window.addEventListener("pagehide", function () { self.flush(); });
    window.addEventListener("pageshow", function (event) {
      if (!event.persisted) return;  // back from the page cache: this page may change pages again
      self.submitting = false;
      Array.prototype.forEach.call(self.form.querySelectorAll("input[data-leaving]"), function (el) { el.remove(); });
    });
  };

  // -- Two tabs on one section: a save names the questions this page changed, so that the server keeps what
  // another tab saved in the others (collect.py `_save_posted`); what the other tab saved comes back here.

  // JSON with the names in order: the same answers give the same text, however they were gathered.
  function canonical(values) {
    var sorted = {};
    Object.keys(values).sort().forEach(function (name) { sorted[name] = values[name]; });
    return JSON.stringify(sorted);
  }

  function sameValues(a, b) {
    var given = function (values) { return JSON.stringify((values || []).filter(function (v) { return v !== ""; })); };
    return given(a) === given(b);
  }

  // The question a field belongs to, by its key on the page (an instance's question: `s.rep[2].q`).
  Autosave.prototype.keyOf = function (name) {
    var el = this.form.querySelector('[name="' + CSS.escape(name) + '"]');
    var box = el && el.closest(".question[data-qid]");
    return box && !box.classList.contains("q-repeat") ? box.getAttribute("data-qid") : null;
  };

  // The questions whose answer differs from what the server last acknowledged: an answer taken back (every box
  // of a multiple choice unticked) is a change too.
  Autosave.prototype.changedKeys = function () {
    var now = this.snapshot(), then = JSON.parse(this.acked || "{}"), keys = {}, self = this;
    Object.keys(now).concat(Object.keys(then)).forEach(function (name) {
      if (JSON.stringify(now[name] || []) === JSON.stringify(then[name] || [])) return;
      var key = self.keyOf(name);
      if (key) keys[key] = true;
    });
    return Object.keys(keys).sort();
  };

  Autosave.prototype.markers = function () {
    return [["_changed", this.changedKeys().join(" ")], ["_base", this.base], ["_instances", this.prints],
            ["_delta", JSON.stringify(this.deltas())]];
  };

  // A multiple choice of the page (not of a repeat's entry): its boxes carry the question's key as their name.
  // A multiple choice of the section itself (a checkbox may also be an acknowledgement, or inside a repeat).
  Autosave.prototype.isMulti = function (key) {
    return key.indexOf("[") === -1 &&
      !!this.form.querySelector('.question.q-multi[data-qid="' + CSS.escape(key) + '"]');
  };

  // What each changed multiple choice ticked and unticked since the last acknowledged save, so that the server
  // applies that to its draft and keeps another tab's ticks (interview.py `parse_deltas`).
  Autosave.prototype.deltas = function () {
    var now = this.snapshot(), then = JSON.parse(this.acked || "{}"), deltas = {}, self = this;
    this.changedKeys().forEach(function (key) {
      if (!self.isMulti(key)) return;
      var ticked = now[key] || [], before = then[key] || [];
      var other = !sameValues(now[key + "/annat"], then[key + "/annat"]);
      deltas[key] = {
        add: ticked.filter(function (code) { return before.indexOf(code) === -1; }),
        remove: before.filter(function (code) { return ticked.indexOf(code) === -1; }),
        other: other
      };
    });
    return deltas;
  };

  // Ask the server whether another tab saved this section since this page last heard from it: when the page is
  // shown again and now and then while it is shown. Reads only; a failure (offline) is silent, the next try
  // or save tells.
  Autosave.prototype.check = function () {
    if (!this.checkUrl || this.checking || this.inflight || this.submitting || this.leaving) return;
    if (document.visibilityState === "hidden") return;
    var self = this, base = this.base;
    this.checking = true;
    fetch(this.checkUrl + "?base=" + encodeURIComponent(base), {
      credentials: "same-origin", cache: "no-store",
      headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) throw new Error("status " + response.status);
      return response.json();
    }).then(function (result) {
      if (self.inflight || self.submitting || self.base !== base) return;  // a save's reply tells instead
      self.heard(result);
    }).catch(function () { /* offline or closed: nothing to tell */ }).finally(function () {
      self.checking = false;
    });
  };

  // A check's reply: what another tab saved is shown as after a save's reply that reports it.
  Autosave.prototype.heard = function (result) {
    if (result.version === this.base || !result.values) return;
    if (result.seq >= this.seq) {
      this.seq = result.seq;
      this.version = draftVersion(result.seq, result.saved_at);
      this.form.setAttribute("data-seq", result.seq);
    }
    this.acked = this.reconcile(this.acked, result);
    this.applyRelevance(result.hidden || []);
    if (this.serialize() === this.acked) {
      this.forget();
      if (result.saved_time) this.show(this.text("saved", result.saved_time));
    } else {
      this.keep();
      if (!this.timer) this.schedule(this.delay);
    }
  };

  // The form's fields for a save, with the markers.
  Autosave.prototype.body = function () {
    var body = new FormData(this.form);
    this.markers().forEach(function (pair) { body.set(pair[0], pair[1]); });
    return body;
  };

  // A page change posts the form itself: the markers go with it as hidden fields.
  Autosave.prototype.markForm = function () {
    var form = this.form;
    this.markers().forEach(function (pair) {
      var input = document.createElement("input");
      input.type = "hidden"; input.name = pair[0]; input.value = pair[1];
      input.setAttribute("data-leaving", "");
      form.appendChild(input);
    });
  };

  // The server's reply names what it now holds when another tab saved this section since this page last heard
  // from it (`values`). A question this page did not change since its last acknowledged save is shown as saved
  // there, and the page says so; a question changed here is left as typed (the later save wins). Returns the
  // content the server now holds, as `sent` was.
  Autosave.prototype.reconcile = function (sent, result) {
    var form = this.form, self = this;
    var prints = result.instances || JSON.parse(this.prints), mine = JSON.parse(this.prints);
    var moved = Object.keys(result.counts || {}).filter(function (id) {
      var count = form.querySelector('input[name="' + CSS.escape(id + "#n") + '"]');
      return count && String(result.counts[id]) !== count.value;
    });
    moved.forEach(function (id) { prints[id] = mine[id]; });  // the page still shows the instances it had
    if (result.version) this.base = result.version;
    this.prints = JSON.stringify(prints);
    if (!result.values) return sent;
    var server = result.values, before = JSON.parse(this.acked || "{}"), was = JSON.parse(sent), now = this.snapshot();
    var merged = result.merged || [], conflicts = [], ticks = [];
    var byKey = {};
    Object.keys(now).concat(Object.keys(server)).forEach(function (name) {
      var key = self.keyOf(name);
      if (key) (byKey[key] = byKey[key] || {})[name] = true;
    });
    var updated = [];
    Object.keys(byKey).forEach(function (key) {
      var names = Object.keys(byKey[key]);
      var box = form.querySelector('.question[data-qid="' + CSS.escape(key) + '"]');
      var repeat = box.parentNode.closest(".q-repeat");
      if (repeat && moved.indexOf(repeat.getAttribute("data-qid")) !== -1) return;  // numbered otherwise there
      if (names.every(function (name) { return sameValues(now[name], server[name]); })) return;
      var untouched = names.every(function (name) {
        return sameValues(now[name], was[name]) && sameValues(was[name], before[name]);
      });
      // the server merged this page's ticks with another tab's: shown as merged, unless typed on meanwhile
      var settled = merged.indexOf(key) !== -1 && names.every(function (name) { return sameValues(now[name], was[name]); });
      var unsent = names.every(function (name) { return sameValues(was[name], before[name]); });
      var there = names.some(function (name) { return !sameValues(server[name], before[name]); });
      if (!untouched && !settled && unsent && there && self.isMulti(key)) {
        // ticked here and there, not yet saved here: both tabs' ticks are shown, this page's go out next
        self.mergeTicks(key, now, before, server);
        names.forEach(function (name) { if (server[name]) was[name] = server[name]; else delete was[name]; });
        ticks.push(key);
        return;
      }
      if (!untouched && !settled) {
        // changed here too: this page's answer is saved next, the later save wins; the page says so
        if (unsent && there) conflicts.push([key, names]);
        return;
      }
      names.forEach(function (name) { self.setField(name, server[name] || []); updated.push(name); });
    });
    conflicts.forEach(function (pair) { self.markConflict(pair[0], pair[1], server); });
    if (!updated.length && !moved.length && !conflicts.length && !ticks.length) return sent;
    this.leaving = null;  // a page change waits until the changes have been seen
    this.tell(moved.length ? "other-tab-reload" : "other-tab");
    if (updated.length || ticks.length) form.dispatchEvent(new CustomEvent("fieldkit:relevance"));
    var fresh = this.snapshot();
    updated.forEach(function (name) { if (fresh[name]) was[name] = fresh[name]; else delete was[name]; });
    return canonical(was);
  };

  // Show a multiple choice as another tab saved it with this page's own ticks and unticks on top (what the
  // server makes of them at the next save) and, if it was typed here, this page's "other" text.
  Autosave.prototype.mergeTicks = function (key, now, before, server) {
    var mine = now[key] || [], then = before[key] || [];
    var shown = (server[key] || []).filter(function (code) { return then.indexOf(code) === -1 || mine.indexOf(code) !== -1; });
    mine.forEach(function (code) { if (then.indexOf(code) === -1 && shown.indexOf(code) === -1) shown.push(code); });
    this.setField(key, shown);
    if (sameValues(now[key + "/annat"], before[key + "/annat"])) this.setField(key + "/annat", server[key + "/annat"] || []);
  };

  // A question changed here and in another tab since this page's last acknowledged save: the page says what
  // was saved there, and that the later save wins (this page's answer, saved next). Gone once it is changed.
  Autosave.prototype.markConflict = function (key, names, server) {
    var box = this.form.querySelector('.question[data-qid="' + CSS.escape(key) + '"]');
    if (!box) return;
    var id = "conflict-" + key, note = document.getElementById(id);
    var said = [];
    names.forEach(function (name) {
      (server[name] || []).forEach(function (value) {
        var choice = box.querySelector('input[name="' + CSS.escape(name) + '"][value="' + CSS.escape(value) + '"]');
        var label = choice && (choice.type === "radio" || choice.type === "checkbox") ? choice.closest("label") : null;
        said.push(label ? label.textContent.trim() : value);
      });
    });
    if (!note) {
      note = noteIn(box, key, id, "tab-conflict", "status");
      box.addEventListener("input", function gone() {
        note.remove();
        box.classList.remove("has-conflict");
        box.removeEventListener("input", gone);
      });
    }
    box.classList.add("has-conflict");
    note.textContent = this.text("conflict").replace("{value}", said.length ? said.join(", ") : this.text("no-answer"));
  };

  // Show a field's answer as the server holds it: a text, a choice, the order of a rank.
  Autosave.prototype.setField = function (name, values) {
    var fields = this.form.querySelectorAll('[name="' + CSS.escape(name) + '"]');
    var rank = fields.length ? fields[0].closest("ol[data-rank]") : null;
    if (rank) {
      var items = Array.prototype.slice.call(rank.querySelectorAll(".rank-item"));
      items.sort(function (a, b) {
        var i = values.indexOf(a.getAttribute("data-code")), j = values.indexOf(b.getAttribute("data-code"));
        return (i === -1 ? values.length + items.indexOf(a) : i) - (j === -1 ? values.length + items.indexOf(b) : j);
      });
      items.forEach(function (item, i) {
        rank.appendChild(item);
        item.querySelector('input[type="hidden"]').disabled = !values.length;
        item.querySelector(".rank-up").disabled = i === 0;
        item.querySelector(".rank-down").disabled = i === items.length - 1;
      });
      return;
    }
    Array.prototype.forEach.call(fields, function (el) {
      if (el.type === "radio" || el.type === "checkbox") el.checked = values.indexOf(el.value) !== -1;
      else if (el.type !== "hidden") el.value = values[0] || "";
      var slider = el.id && document.querySelector('input[data-range-for="' + CSS.escape(el.id) + '"]');
      if (slider && el.value) slider.value = el.value;
    });
  };

  Autosave.prototype.tell = function (name) {
    var note = document.getElementById("other-tab");
    if (!note) return;
    note.textContent = this.text(name);
    note.hidden = false;
  };

  // The browser's copy goes once the server has acknowledged exactly its content: a copy with other answers
  // is another tab's, not yet saved.
  Autosave.prototype.forgetIfAcked = function (posted) {
    var kept;
    try { kept = JSON.parse(localStorage.getItem(this.key) || "null"); } catch (e) { kept = null; }
    if (kept && kept.values && canonical(kept.values) !== posted && canonical(kept.values) !== this.acked) return;
    this.forget();
  };

  // A don't-know choice and a typed value exclude each other.
  Autosave.prototype.exclusive = function (target) {
    var name = target.name || "";
    if (/\/special$/.test(name) && target.checked) {
      var input = this.form.elements[name.replace(/\/special$/, "")];
      if (input && input.value !== undefined) input.value = "";
    } else if (target.type !== "radio" && target.type !== "checkbox" && target.value) {
      Array.prototype.forEach.call(this.form.querySelectorAll('input[name="' + CSS.escape(name + "/special") + '"]'), function (radio) { radio.checked = false; });
    } else if (target.type === "checkbox" && target.checked) {
      var boxes = this.form.querySelectorAll('input[type="checkbox"][name="' + CSS.escape(name) + '"]');
      var special = target.value === "vet_ej" || target.value === "ej_aktuellt";
      Array.prototype.forEach.call(boxes, function (box) {
        if (box === target) return;
        var boxSpecial = box.value === "vet_ej" || box.value === "ej_aktuellt";
        if (special || boxSpecial) box.checked = false;
      });
    }
  };

  // The start page's district: shown only while a questionnaire answered per district is chosen.
  function setupDistrict(field) {
    var form = field.form || field.closest("form");
    function update() {
      var chosen = form.querySelector('input[name="questionnaire"]:checked');
      var wanted = !!chosen && chosen.hasAttribute("data-per-district");
      field.hidden = !wanted;
      if (!wanted) field.querySelector("select").value = "";
    }
    form.addEventListener("change", update);
    update();
  }

  // Range, rank and geopoint questions: what the page adds to inputs that work without it.
  function changed(input) {
    input.dispatchEvent(new Event("input", { bubbles: true }));  // autosave and relevance, as if typed
  }

  // A range's slider sets its number box (which is what is sent); typing in the box moves the slider.
  function setupRange(slider) {
    var box = document.getElementById(slider.getAttribute("data-range-for"));
    if (!box) return;
    slider.hidden = false;
    slider.addEventListener("input", function () {
      box.value = slider.value;
      changed(box);
    });
    box.addEventListener("input", function () {
      var value = parseFloat(box.value.replace(",", "."));
      if (!isNaN(value)) slider.value = String(value);
    });
  }

  // A rank's up and down buttons move the option here instead of posting the page; a move is an answer.
  function setupRank(list) {
    var qid = list.getAttribute("data-rank");
    var form = list.closest("form");
    function enable() {
      Array.prototype.forEach.call(list.querySelectorAll('input[type="hidden"]'), function (input) { input.disabled = false; });
      var keep = form.querySelector('button.rank-keep[value="' + CSS.escape(qid) + '"]');
      if (keep) keep.hidden = true;
    }
    function renumber() {
      var items = list.querySelectorAll(".rank-item");
      Array.prototype.forEach.call(items, function (item, i) {
        item.querySelector(".rank-up").disabled = i === 0;
        item.querySelector(".rank-down").disabled = i === items.length - 1;
      });
    }
    list.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest("button.rank-move");
      if (!button) return;
      event.preventDefault();
      var item = button.closest(".rank-item");
      var up = button.classList.contains("rank-up");
      var other = up ? item.previousElementSibling : item.nextElementSibling;
      if (other) list.insertBefore(up ? item : other, up ? other : item);
      enable();
      renumber();
      var again = item.querySelector(up ? ".rank-up" : ".rank-down");
      (again.disabled ? item.querySelector(up ? ".rank-down" : ".rank-up") : again).focus();
      changed(item.querySelector('input[type="hidden"]'));
    });
    var keep = form.querySelector('button.rank-keep[value="' + CSS.escape(qid) + '"]');
    if (keep) keep.addEventListener("click", function (event) {
      event.preventDefault();
      enable();
      changed(list.querySelector('input[type="hidden"]'));
    });
    var clear = form.querySelector('button[name="clear"][value="' + CSS.escape(qid) + '"]');
    if (clear) clear.addEventListener("click", function () {
      Array.prototype.forEach.call(list.querySelectorAll('input[type="hidden"]'), function (input) { input.disabled = true; });
    });
  }

  // A choice filter whose earlier answer is on this page (forms/webform.py `live_filters`): only the choices
  // that fit the answer are shown, and changing that answer clears a choice that no longer fits (autosave
  // then saves it). Until the answer changes, a chosen choice stays shown, as the server shows it. The
  // server stays the judge: saving refuses a choice that does not fit.
  var SPECIAL = ["vet_ej", "ej_aktuellt"];

  // An answer as forms/model.py `filter_text` compares it: codes and texts as they are, numbers without
  // decimals when whole; no answer, or a special one, matches nothing.
  function filterText(text, number) {
    text = (text || "").split(/\s+/).filter(Boolean).join(" ");  // as a text answer is cleaned
    if (!text || SPECIAL.indexOf(text) !== -1) return null;
    if (!number) return text;
    text = text.replace(/[\s\u00a0]/g, "").replace(",", ".");
    if (!/^-?\d+(\.\d+)?$/.test(text)) return null;
    return String(Number(text));
  }

  function setupChoiceFilter(box) {
    var form = box.closest("form");
    var spec = JSON.parse(box.getAttribute("data-choice-filter"));
    var hint = box.parentNode.querySelector(".filter-none");
    var names = spec.sources.filter(function (s) { return s.field; }).map(function (s) { return s.field; });

    function current(source) {
      if (!source.field) return source.value;
      var question = form.querySelector('.question[data-qid="' + CSS.escape(source.field) + '"]');
      if (question && question.hidden) return null;  // not asked: the server keeps no answer
      if (form.querySelector('input[name="' + CSS.escape(source.field + "/special") + '"]:checked')) return null;
      var text = null;
      Array.prototype.forEach.call(form.querySelectorAll('[name="' + CSS.escape(source.field) + '"]'), function (el) {
        if (el.type === "radio" || el.type === "checkbox") { if (el.checked) text = el.value; }
        else text = el.value;
      });
      return filterText(text, source.number);
    }

    function update(clearing) {
      var wanted = spec.sources.map(function (source) { return { attribute: source.attribute, value: current(source) }; });
      var cleared = null, anyFits = false;
      Array.prototype.forEach.call(box.querySelectorAll("input"), function (input) {
        var attributes = spec.choices[input.value];
        if (!attributes) return;  // "other" and the special answers: always offered
        var fits = wanted.every(function (w) { return w.value !== null && attributes[w.attribute] === w.value; });
        if (!fits && input.checked && clearing) { input.checked = false; cleared = input; }
        var hide = !fits && !input.checked;
        input.closest("label").hidden = hide;
        input.disabled = hide;  // out of the keyboard's way, also for a radio group's arrow keys
        if (fits) anyFits = true;
      });
      if (hint) {
        var unanswered = wanted.some(function (w) { return w.value === null; });
        var text = anyFits ? "" : hint.getAttribute(unanswered ? "data-text-unanswered" : "data-text-none");
        if (hint.textContent !== text) hint.textContent = text;
        hint.hidden = !text;
      }
      if (cleared) changed(cleared);  // saved like any change
    }

    // Only a change of the answer the filter reads clears a choice; any other change may show or hide it.
    function answered(event) {
      var name = event.target.name || "";
      update(names.indexOf(name) !== -1 || names.indexOf(name.replace(/\/special$/, "")) !== -1);
    }
    form.addEventListener("input", answered);
    form.addEventListener("change", answered);
    form.addEventListener("fieldkit:relevance", function () { update(false); });
    // "Clear the answer" of the answer it reads (app.js unchecks it, or the page is posted back)
    form.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest('button[name="clear"]');
      if (button && names.indexOf(button.value) !== -1) setTimeout(function () { update(true); }, 0);
    });
    update(false);
  }

  // "Use this device's location" fills a geopoint's boxes where the browser allows it (HTTPS or localhost).
  function setupGeolocate(button) {
    if (!navigator.geolocation) return;
    var qid = button.getAttribute("data-geolocate");
    var status = button.parentNode.querySelector(".geo-status");
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = button.getAttribute("data-text-wait");
      navigator.geolocation.getCurrentPosition(function (position) {
        var c = position.coords;
        var parts = { lat: c.latitude.toFixed(6), lon: c.longitude.toFixed(6),
                      alt: c.altitude === null ? "" : c.altitude.toFixed(1), acc: c.accuracy.toFixed(1) };
        Object.keys(parts).forEach(function (part) {
          var box = document.getElementById(qid + "/" + part);
          if (box) { box.value = parts[part]; changed(box); }
        });
        status.textContent = "";
      }, function () {
        status.textContent = button.getAttribute("data-text-denied");
      }, { enableHighAccuracy: true, timeout: 20000 });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-filter-select]"), setupFilter);
    Array.prototype.forEach.call(document.querySelectorAll("[data-district-field]"), setupDistrict);
    Array.prototype.forEach.call(document.querySelectorAll("input[data-range-for]"), setupRange);
    Array.prototype.forEach.call(document.querySelectorAll("ol[data-rank]"), setupRank);
    Array.prototype.forEach.call(document.querySelectorAll("button[data-geolocate]"), setupGeolocate);
    var form = document.getElementById("interview");
    if (form && window.fetch) new Autosave(form).start();
    // after the autosave has put back any answers kept in the browser
    Array.prototype.forEach.call(document.querySelectorAll("[data-choice-filter]"), setupChoiceFilter);
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  });
})();
