// fieldkit pages: autosave of interview drafts, relevance while answering, municipality filter.
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

  function Autosave(form) {
    this.form = form;
    this.url = form.getAttribute("data-autosave-url");
    this.delay = parseInt(form.getAttribute("data-autosave-delay"), 10) || 2500;
    this.key = "fieldkit:draft:" + form.getAttribute("data-submission") + ":" + form.getAttribute("data-section");
    this.state = document.getElementById("save-state");
    this.timer = null;
    this.inflight = false;
    this.again = false;
    this.dirty = false;
  }

  Autosave.prototype.text = function (name, time) {
    var t = this.form.getAttribute("data-text-" + name) || "";
    return time ? t.replace("{time}", time) : t;
  };

  Autosave.prototype.show = function (message, offline) {
    if (!this.state) return;
    this.state.textContent = message;
    this.state.classList.toggle("offline", !!offline);
  };

  Autosave.prototype.snapshot = function () {
    var data = {};
    new FormData(this.form).forEach(function (value, name) {
      if (name === "csrf_token" || name === "shown" || name === "action") return;
      (data[name] = data[name] || []).push(value);
    });
    return data;
  };

  Autosave.prototype.changed = function (soon) {
    this.dirty = true;
    try { localStorage.setItem(this.key, JSON.stringify({ at: Date.now(), values: this.snapshot() })); } catch (e) { /* storage full or off */ }
    this.show(this.text("unsaved"));
    clearTimeout(this.timer);
    var self = this;
    this.timer = setTimeout(function () { self.save(); }, soon ? 300 : this.delay);
  };

  Autosave.prototype.save = function () {
    if (this.inflight) { this.again = true; return; }
    var self = this;
    var body = new FormData(this.form);
    this.inflight = true;
    this.show(this.text("saving"));
    fetch(this.url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) throw new Error("status " + response.status);
      return response.json();
    }).then(function (result) {
      self.dirty = false;
      try { localStorage.removeItem(self.key); } catch (e) { /* ignore */ }
      self.form.setAttribute("data-seq", result.seq);
      self.show(self.text("saved", new Date(result.saved_at).toLocaleTimeString("sv-SE")));
      self.applyRelevance(result.hidden || []);
    }).catch(function () {
      self.show(self.text("offline"), true);
      clearTimeout(self.timer);
      self.timer = setTimeout(function () { self.save(); }, 10000);
    }).finally(function () {
      self.inflight = false;
      if (self.again) { self.again = false; self.save(); }
    });
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
        form.insertBefore(marker, box);
      }
    });
  };

  // Values kept in the browser that the server never acknowledged (e.g. it was down): put them back.
  Autosave.prototype.restore = function () {
    var saved;
    try { saved = JSON.parse(localStorage.getItem(this.key) || "null"); } catch (e) { saved = null; }
    if (!saved || !saved.values) return;
    var serverAt = Date.parse(this.form.getAttribute("data-saved-at") || "") || 0;
    if (saved.at <= serverAt) { localStorage.removeItem(this.key); return; }
    var form = this.form;
    Object.keys(saved.values).forEach(function (name) {
      var values = saved.values[name];
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name !== name) return;
        if (el.type === "radio" || el.type === "checkbox") el.checked = values.indexOf(el.value) !== -1;
        else el.value = values[0];
      });
    });
    this.show(this.text("restored"));
    this.save();
  };

  Autosave.prototype.start = function () {
    var self = this;
    this.restore();
    this.form.addEventListener("input", function (event) {
      var t = event.target;
      self.exclusive(t);
      self.changed(t.type === "radio" || t.type === "checkbox");
    });
    this.form.addEventListener("submit", function () {
      clearTimeout(self.timer);
      try { localStorage.removeItem(self.key); } catch (e) { /* ignore */ }
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden" && self.dirty && navigator.sendBeacon) {
        navigator.sendBeacon(self.url, new FormData(self.form));
      }
    });
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

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-filter-select]"), setupFilter);
    var form = document.getElementById("interview");
    if (form && window.fetch) new Autosave(form).start();
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  });
})();
