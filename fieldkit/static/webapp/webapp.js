/* The offline app: start page, one section per page, review and complete, all from IndexedDB.
 *
 * Routes live in the URL's hash so that a reload (online or not) comes back to the same screen:
 *   #/                         start: questionnaires, municipality, interviews not yet sent
 *   #/i/<uuid>/s/<section>     one section of an interview
 *   #/i/<uuid>/review          review and complete
 *   #/i/<uuid>                 a completed interview
 * Every change of an answer is written to IndexedDB (storage.js) first; the page reacts after.
 * On the central's app nothing is shown before the user is known (knowUser): logged in on the central, or,
 * offline, signed in with their password (signinPage, signin.js); until then every route shows the sign-in.
 * Text comes from the server's catalogues (texts.json, kept offline); nothing is built with innerHTML.
 */
(function () {
  "use strict";

  var Answers = window.FieldkitAnswers, Storage = window.FieldkitStorage, Sync = window.FieldkitSync;
  var Signin = window.FieldkitSignin;
  var body = document.body, main = document.getElementById("main");
  var LANGUAGES = { sv: "Svenska", en: "English" };
  var LANG_KEY = "fieldkit_lang";
  var state = { lang: "sv", texts: {}, registry: null, forms: [], persisted: null, ready: false, problems: [],
    replaced: [], space: null, notice: null,
    // Who: `user` (null until known), `via` ("server", "offline" or "laptop"), `gate` (null, "signin": offline and
    // nobody signed in, "login": the central answers but nobody is logged in), `session` (GET /app/enrol's answer).
    user: null, via: null, gate: null, session: null, noVerifier: false };
  /* The interview this tab edits, held with a Web Lock so that no other tab edits it at the same time. */
  var lock = { name: null, release: null, lost: null };
  var renderCount = 0;

  // -- small helpers -------------------------------------------------------------------------

  function t(msgid, params) {
    var texts = state.texts[state.lang] || {};
    var text = texts[msgid] || msgid;
    return params ? text.replace(/%\((\w+)\)s/g, function (_all, name) { return String(params[name]); }) : text;
  }

  function label(labels, fallback) { return Answers.labelIn(labels, state.lang, fallback || ""); }

  /* h("p", {class: "muted"}, "text", child): an element; attributes starting with "on" become listeners. */
  function h(tag, attrs) {
    var element = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name.slice(0, 2) === "on") element.addEventListener(name.slice(2), value);
      else if (name === "text") element.textContent = value;
      else element.setAttribute(name, value === true ? "" : value);
    });
    for (var i = 2; i < arguments.length; i++) append(element, arguments[i]);
    return element;
  }
  function append(element, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(element, c); }); return; }
    element.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }

  function time(iso) {
    if (!iso) return "";
    return new Date(iso).toLocaleString(state.lang === "en" ? "en-GB" : "sv-SE",
      { dateStyle: "short", timeStyle: "medium" });
  }

  /* What a failed write means for the interviewer: nothing saved before is lost, and what to do. */
  function storageMessage(error) {
    if (error && error.name === "QuotaExceededError") {
      return t("The browser has no room left to save. The last change was NOT saved; everything saved before is kept. " +
        "Send the interviews or save them to a file, then free space in the browser.");
    }
    if (error && error.name === "ChangedElsewhere") {
      return t("This interview was changed in another tab or window; this change was not saved. Reload the page " +
        "to continue with what was saved there.");
    }
    if (error instanceof Storage.FormProblem) return formProblemText(error);
    return t("Could not save in this browser: %(reason)s", { reason: error && error.message || String(error) });
  }

  function formProblemText(problem) {
    return t("The stored questionnaire %(id)s version %(version)s does not match what the server sent: it was changed " +
      "in this browser, so it is not used. Open the app while connected to the server to load it again.",
      { id: problem.id, version: problem.version });
  }

  function municipality(code) {
    var found = (state.registry && state.registry.municipalities || []).find(function (m) { return m.code === code; });
    return found || { code: code, name: code, county: "" };
  }

  /* Where an interview is answered for: "Stockholm, Södermalm" for one answered per district. */
  function placeName(row) {
    var name = municipality(row.municipality_code).name;
    if (!row.district_code) return name;
    var unit = ((state.registry && state.registry.districts) || []).find(function (d) { return d.code === row.district_code; });
    return name + ", " + (unit ? unit.name : row.district_code);
  }

  function show(title) {
    document.title = title + " – fieldkit";
    main.replaceChildren();
    for (var i = 1; i < arguments.length; i++) append(main, arguments[i]);
  }

  function fail(message) {
    show(t("fieldkit offline"), h("p", { class: "flash flash-error", role: "alert", text: message }),
      h("p", {}, h("a", { href: "#/", text: t("Back to the start") })));
    finish();
  }

  function finish() {
    renderCount += 1;
    body.dataset.rendered = String(renderCount);
    body.dataset.route = location.hash || "#/";
  }

  // -- boot: data from the server when it answers, else from IndexedDB -----------------------

  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (response) {
      if (!response.ok || response.redirected) throw new Error(url + ": " + response.status);
      return response.json();
    });
  }

  function refresh() {
    return Storage.versionsInUse().then(function (inUse) {
      // The older versions this browser's interviews use come too, so that a changed copy is loaded again.
      var url = body.dataset.forms + (inUse.length ? "?want=" + encodeURIComponent(inUse.join(",")) : "");
      return Promise.all([fetchJson(url), fetchJson(body.dataset.registry), fetchJson(body.dataset.texts)]);
    }).then(function (results) {
        var known = function (f) { return f.format === "fieldkit-webform"; };
        var forms = results[0].questionnaires.filter(known);
        return Storage.putForms(forms, (results[0].kept || []).filter(known))
          .then(function (replaced) { state.replaced = replaced; })
          .then(function () { return Storage.putMeta("registry", results[1]); })
          .then(function () { return Storage.putMeta("texts", results[2]); })
          .then(function () { return Storage.putMeta("forms_updated", results[0].generated); });
      }).catch(function (error) {
        if (error && error.name === "QuotaExceededError") state.notice = storageMessage(error);
        return null;  // offline, or the server is away: what IndexedDB holds will do
      });
  }

  function load() {
    return Promise.all([Storage.currentForms(), Storage.getMeta("registry"), Storage.getMeta("texts"),
      Storage.getMeta("forms_updated")]).then(function (results) {
      state.forms = results[0];
      state.problems = results[0].problems || [];
      state.registry = results[1];
      state.texts = results[2] || {};
      state.updated = results[3];
    });
  }

  /* Whose interviews this app shows and sends. On a field laptop: its interviewer, named by the page (offline,
   * the cached page, also kept in meta "user"). On the central: whoever the central says is logged in; when it
   * cannot be reached, whoever signed in offline in this tab; else nobody until someone does (signinPage). */
  function knowUser() {
    if (!central()) {
      var named = body.dataset.user || null;
      return (named ? Storage.putMeta("user", named).then(function () { return named; }) : Storage.getMeta("user"))
        .then(function (user) { return workAs(user, "laptop"); });
    }
    return askServer().then(function (answer) {
      // The central answers: first drop the verifiers of changed passwords and disabled users.
      return (answer ? checkVerifiers().then(function () { return answer; }) : null);
    }).then(function (answer) {
      if (answer && answer.user) return loggedIn(answer);
      if (answer) return gate("login");
      var kept = Signin.remembered();
      return (kept ? Storage.getMeta(verifierKey(kept)) : Promise.resolve(null)).then(function (verifier) {
        return verifier ? workAs(kept, "offline") : gate("signin");
      });
    });
  }

  function central() { return body.dataset.central === "1"; }

  function verifierKey(user) { return "signin:" + user; }
  function failuresKey(user) { return "signin_failures:" + user; }

  /* Hours a sign-in lasts in a tab: as long as a login on the central (SESSION_HOURS). */
  function signinHours() { return Number(body.dataset.sessionHours) || 12; }

  /* GET /app/enrol: the central's answer ({user: null} when nobody is logged in), or null when there is none. */
  function askServer() {
    return fetch(body.dataset.enrol, { credentials: "same-origin", cache: "no-store",
      headers: { Accept: "application/json", "X-Requested-With": "fetch" } }).then(function (response) {
      if (response.status === 401 || response.status === 403 || response.redirected) return { user: null };
      if (!response.ok) return null;  // the server has a problem: as good as offline
      return response.json();
    }).catch(function () { return null; });
  }

  /* The central says who is logged in: that user works here, and the verifier made as they logged in is kept,
   * with the central's ticket of the password. Without a ticket (a role that may not sign in offline, such as an
   * administrator) no verifier of that user is kept, and one kept before goes. */
  function loggedIn(answer) {
    var user = answer.user, pending = Signin.takePending(answer.offline_nonce), ticket = answer.offline_ticket;
    state.session = answer;
    var keeping = !ticket ? dropVerifier(user) : pending ? Storage.putMeta(verifierKey(user), Object.assign(
      { user: user, stored_at: new Date().toISOString(), ticket: ticket }, pending))
      .then(function () { return Storage.deleteMeta(failuresKey(user)); }) : Promise.resolve();
    return keeping.then(function () { return Storage.getMeta(verifierKey(user)); }).then(function (verifier) {
      state.noVerifier = Boolean(ticket) && !verifier;
      Signin.remember(user, signinHours());
      return workAs(user, "server");
    });
  }

  function dropVerifier(user) {
    return Storage.deleteMeta(verifierKey(user)).then(function () { return Storage.deleteMeta(failuresKey(user)); });
  }

  /* Ask the central which verifiers still hold (POST /app/signins with their tickets) and drop the others: the
   * user's password was changed or the user disabled since. Resolves to the names dropped; nothing is dropped
   * when the central cannot be asked. */
  function checkVerifiers() {
    return Storage.listMeta("signin:").then(function (verifiers) {
      if (!verifiers.length) return [];
      var tickets = {};
      verifiers.forEach(function (v) { tickets[v.user] = v.ticket || ""; });
      return fetch(body.dataset.signins, { method: "POST", credentials: "same-origin", cache: "no-store",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ tickets: tickets }) }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (answer) {
        if (!answer || !Array.isArray(answer.valid)) return [];
        var gone = Object.keys(tickets).filter(function (name) { return answer.valid.indexOf(name) < 0; });
        return Promise.all(gone.map(dropVerifier)).then(function () { return gone; });
      });
    }).catch(function () { return []; });
  }

  /* Who works here may have changed behind this page: a sign-out in another tab, the page shown again from the
   * browser's back-forward cache, a verifier dropped. Ask again and draw the page for whoever it is now. */
  function recheck() {
    if (!state.ready || !central()) return;
    releaseLock();
    main.replaceChildren();
    knowUser().then(route, function (error) { fail(storageMessage(error)); });
  }

  /* Back online: check the verifiers at once; if the one of whoever signed in offline here went, they leave. */
  function backOnline() {
    header();
    if (!state.ready || !central()) return;
    checkVerifiers().then(function (gone) {
      if (state.via === "offline" && gone.indexOf(state.user) >= 0) recheck();
    });
  }

  /* Nobody works here until someone signs in ("signin") or logs in on the central ("login"). */
  function gate(kind) {
    state.user = null;
    state.via = null;
    state.gate = kind;
    Storage.setUser(null);
    return null;
  }

  function workAs(user, via) {
    state.user = user || null;
    state.via = via;
    state.gate = null;
    Storage.setUser(state.user);
    return Storage.adopt(state.user);
  }

  /* A name and password typed offline: resolves to {ok} or {wait: seconds}; wrong ones are counted and throttled. */
  function trySignin(user, password) {
    return Storage.getMeta(failuresKey(user)).then(function (failures) {
      var wait = Signin.waitLeft(failures, Date.now());
      if (wait) return { ok: false, locked: true, wait: wait };
      return Storage.getMeta(verifierKey(user)).then(function (verifier) {
        return Signin.check(verifier, password);
      }).then(function (good) {
        if (good) return Storage.deleteMeta(failuresKey(user)).then(function () { return { ok: true }; });
        var counted = Signin.failed(failures, Date.now());
        return Storage.putMeta(failuresKey(user), counted).then(function () {
          return { ok: false, wait: Signin.waitLeft(counted, Date.now()) };
        });
      });
    });
  }

  /* Offline on the central's app, nobody signed in: pick a name (of those who logged in online here) and type
   * the password. Nobody listed: nobody can work here offline yet. */
  function signinPage() {
    Storage.listMeta("signin:").then(function (verifiers) {
      var users = verifiers.map(function (v) { return v.user; }).sort();
      var title = t("Sign in without a connection");
      var explain = t("You are offline, so the central cannot tell who you are. Choose your name and type the password " +
        "you log in to the central with.");
      var never = t("Only users who have logged in on the central in this browser while connected can work in it offline. " +
        "Never logged in here? Connect to the network, log in on the central and open the offline app once; after " +
        "that you can sign in here without a connection too.");
      if (!users.length) {
        show(title, h("h1", { text: title }), h("p", { class: "flash flash-error", role: "alert", id: "signin-none", text:
          t("Nobody has logged in on the central in this browser yet, so nobody can work in it offline.") }),
          h("p", { text: never }));
        finish();
        return;
      }
      var message = h("p", { class: "flash flash-error", role: "alert", id: "signin-error", hidden: true });
      var who = h("select", { id: "signin-user", name: "user", class: "input", required: true },
        h("option", { value: "", text: t("Choose your name") }),
        users.map(function (name) { return h("option", { value: name, text: name }); }));
      var password = h("input", { type: "password", id: "signin-password", name: "password", class: "input",
        autocomplete: "current-password", required: true });
      var button = h("button", { type: "submit", class: "button primary", text: t("Continue") });
      var refuse = function (text) {
        form.dataset.checks = String(Number(form.dataset.checks) + 1);  // one more try answered (tests wait on it)
        message.textContent = text;
        message.hidden = false;
        password.value = "";
        button.disabled = false;
        button.textContent = t("Continue");
        password.focus();
      };
      var form = h("form", { class: "card", id: "signin", novalidate: true, "data-checks": "0", onsubmit: function (event) {
        event.preventDefault();
        if (button.disabled) return;
        if (!who.value || !password.value) { refuse(t("Choose your name and type your password.")); return; }
        button.disabled = true;
        button.textContent = t("Checking…");
        var name = who.value;
        trySignin(name, password.value).then(function (outcome) {
          if (outcome.ok) {
            Signin.remember(name, signinHours());
            return workAs(name, "offline").then(route);
          }
          var wait = outcome.wait ? t("Too many wrong passwords for this name: wait %(seconds)s seconds before you try " +
            "again.", { seconds: outcome.wait }) : "";
          refuse(outcome.locked ? wait : (t("Wrong password.") + (wait ? " " + wait : "")));
        }).catch(function (error) { refuse(storageMessage(error)); });
      } },
        h("div", { class: "field" }, h("label", { for: "signin-user", text: t("Your name") }), who),
        h("div", { class: "field" }, h("label", { for: "signin-password", text: t("Password") }), password),
        h("div", { class: "actions" }, button));
      show(title, h("h1", { text: title }), h("p", { text: explain }), message, form, h("p", { class: "muted", text: never }));
      finish();
    }).catch(function (error) { fail(storageMessage(error)); });
  }

  /* The central answers but nobody is logged in there (the login ran out): log in on the central. */
  function loginPage() {
    var title = t("Log in on the central");
    show(title, h("h1", { text: title }), h("p", { class: "flash flash-info", role: "status", id: "login-needed",
      text: t("The central can be reached, but you are not logged in there. Log in to continue.") }),
      h("p", {}, h("a", { class: "button primary", href: body.dataset.login, text: t("Log in") })));
    finish();
  }

  /* Log out: on the central's session a real logout (a POST with its CSRF token); offline only this tab forgets. */
  function logOut() {
    Signin.forget();
    if (state.via === "server" && state.session && state.session.csrf_token && navigator.onLine) {
      var form = h("form", { method: "post", action: body.dataset.logout, hidden: true },
        h("input", { type: "hidden", name: "csrf_token", value: state.session.csrf_token }));
      body.appendChild(form);
      form.submit();
      return;
    }
    releaseLock();
    // Who now: the next person signs in offline, or logs in on the central if it can be reached.
    workAs(null, null).then(knowUser).then(function () {
      if (location.hash && location.hash !== "#/") location.hash = "#/";  // hashchange draws the page
      else route();
    }, function (error) { fail(storageMessage(error)); });
  }

  /* Who works here now, and how to leave, in the page's top bar (the central's app only). */
  function whoIsHere() {
    var who = document.getElementById("who");
    if (!who) return;
    who.replaceChildren();
    if (!central() || !state.user) return;
    who.appendChild(h("span", { class: "who-name", id: "who-name", "data-via": state.via, text: state.user }));
    who.appendChild(h("button", { type: "button", class: "link-button", id: "log-out", text: t("Log out"),
      onclick: logOut }));
  }

  /* On the central's app, a user with no verifier here (logged in before the app kept them): how to get one. */
  function verifierNote() {
    if (!central() || state.via !== "server" || !state.noVerifier) return null;
    return h("p", { class: "flash flash-info", role: "status", id: "no-offline-signin", text: t(
      "Signing in without a connection is not set up for you in this browser yet. Log out and log in again while " +
      "connected; after that you can work here offline too.") });
  }

  /* How full the browser's storage for this site is; a warning from 90 %. */
  function measureSpace() {
    if (!navigator.storage || !navigator.storage.estimate) return Promise.resolve();
    return navigator.storage.estimate().then(function (estimate) {
      state.space = estimate && estimate.quota ? { usage: estimate.usage || 0, quota: estimate.quota } : null;
    }).catch(function () { state.space = null; });
  }

  function spaceWarning() {
    if (!state.space || state.space.usage < 0.9 * state.space.quota) return null;
    return h("p", { class: "flash flash-warning", role: "alert", id: "space", text: t(
      "The browser's storage for this app is nearly full: %(used)s of %(quota)s MB used. Send the interviews or save " +
      "them to a file now; new answers may not fit.", { used: Math.round(state.space.usage / 1048576),
        quota: Math.round(state.space.quota / 1048576) }) });
  }

  function askPersistence() {
    if (!navigator.storage || !navigator.storage.persisted) { state.persisted = "unknown"; return Promise.resolve(); }
    return navigator.storage.persisted().then(function (already) {
      if (already || !navigator.storage.persist) return already;
      return navigator.storage.persist();
    }).then(function (granted) { state.persisted = granted ? "granted" : "denied"; })
      .catch(function () { state.persisted = "unknown"; });
  }

  function header() {
    whoIsHere();
    var net = document.getElementById("net");
    net.textContent = navigator.onLine ? t("Online") : t("Offline: everything is saved in this browser.");
    net.className = "net " + (navigator.onLine ? "net-online" : "net-offline");
    var switcher = document.getElementById("lang");
    switcher.setAttribute("aria-label", t("Language"));
    switcher.replaceChildren();
    Object.keys(LANGUAGES).forEach(function (code) {
      if (code === state.lang) switcher.appendChild(h("span", { "aria-current": "true", lang: code, text: LANGUAGES[code] }));
      else {
        switcher.appendChild(h("button", { type: "button", class: "link-button", lang: code, text: LANGUAGES[code],
          onclick: function () {
            state.lang = code;
            localStorage.setItem(LANG_KEY, code);
            document.documentElement.lang = code;
            route();
          } }));
      }
    });
  }

  // -- the start page ------------------------------------------------------------------------

  function persistenceText() {
    if (state.persisted === "granted") {
      return t("Persistent storage: granted. The browser will not clear the interviews to free space.");
    }
    if (state.persisted === "denied") {
      return t("Persistent storage: not granted. The browser may clear the interviews when space runs low; " +
        "send them or save them to a file soon.");
    }
    return t("Persistent storage: this browser cannot tell.");
  }

  function startPage() {
    if (!state.registry || (!state.forms.length && !state.problems.length)) { fail(t("The app could not load its data. Open it once while connected to the server.")); return; }
    var choice = h("fieldset", { class: "choices" }, h("legend", { text: t("Questionnaire") }));
    state.forms.forEach(function (form, index) {
      choice.appendChild(h("label", { class: "choice" },
        h("input", { type: "radio", name: "questionnaire", value: form.id, checked: index === 0 && state.forms.length === 1 }),
        h("span", { text: label(form.title, form.id) })));
    });
    var select = h("select", { id: "municipality", name: "municipality", class: "input", required: true, size: 6 });
    var options = [];
    state.registry.counties.forEach(function (county) {
      var group = h("optgroup", { label: county.name });
      state.registry.municipalities.filter(function (m) { return m.county_code === county.code; }).forEach(function (m) {
        var option = h("option", { value: m.code, text: m.name + " (" + m.code + ")" });
        option.dataset.search = fold(m.name + " " + m.code);
        options.push(option);
        group.appendChild(option);
      });
      select.appendChild(group);
    });
    var filter = h("input", { type: "search", id: "municipality-filter", class: "input", autocomplete: "off",
      placeholder: t("Search municipality (name or code)"), "aria-controls": "municipality",
      oninput: function () {
        var wanted = fold(filter.value.trim());
        var first = null;
        options.forEach(function (option) {
          var match = !wanted || option.dataset.search.indexOf(wanted) >= 0;
          option.hidden = !match;
          if (match && !first) first = option;
        });
        if (wanted && first) select.value = first.value;
      } });
    var message = h("p", { class: "error", role: "alert", hidden: true });
    var districts = districtField(select);
    var picked = function () {
      var input = form.querySelector('input[name="questionnaire"]:checked');
      return input && state.forms.find(function (f) { return f.id === input.value; });
    };
    var form = h("form", { class: "card start-form", id: "start", novalidate: true, onchange: function () {
      districts.show(picked());
    }, onsubmit: function (event) {
      event.preventDefault();
      var found = picked();
      if (!found || !select.value) {
        message.textContent = t("Choose a questionnaire and a municipality.");
        message.hidden = false;
        return;
      }
      var district = districts.check(found, municipality(select.value));
      if (district === false) {
        message.textContent = t("%(questionnaire)s is answered per district: choose a district of %(municipality)s.",
          { questionnaire: label(found.title, found.id), municipality: municipality(select.value).name });
        message.hidden = false;
        districts.select.focus();
        return;
      }
      Storage.startInterview(found, municipality(select.value), district).then(function (interview) {
        location.hash = "#/i/" + interview.uuid + "/s/" + found.sections[0].id;
      }, function (error) { fail(storageMessage(error)); });
    } },
      h("h2", { text: t("Start an interview") }), message, choice,
      h("div", { class: "field" }, h("label", { for: "municipality-filter", text: t("Municipality") }), filter,
        h("label", { for: "municipality", class: "visually-hidden", text: t("Municipality") }), select),
      districts.element,
      h("div", { class: "actions" }, h("button", { type: "submit", class: "button primary", text: t("Start") })));
    districts.show(picked());
    Promise.all([Storage.unsent(), Storage.sent(), Storage.unacknowledged(), Sync.device(),
      Storage.getMeta(Storage.userKey("last_send")), Storage.getMeta(Storage.userKey("last_file")),
      Storage.othersUnsent()]).then(function (found) {
      var rows = found[0], sentRows = found[1], waiting = found[2];
      var refused = {};
      waiting.forEach(function (item) { if (item.revision.rejected) refused[item.revision.submission_uuid] = item.revision.rejected; });
      var forms = {};
      state.forms.forEach(function (f) { forms[f.id] = f; });
      var panel = h("section", { class: "card", id: "unsent", "aria-labelledby": "unsent-title" },
        h("h2", { id: "unsent-title", text: t("Interviews not yet sent") + " (" + rows.length + ")" }));
      if (!rows.length) panel.appendChild(h("p", { class: "muted", text: t("No interviews are waiting to be sent.") }));
      else {
        var list = h("ul", { class: "unsent-list" });
        rows.forEach(function (row) {
          var title = forms[row.questionnaire_id] ? label(forms[row.questionnaire_id].title, row.questionnaire_id) : row.questionnaire_id;
          var target = row.status === "draft" ? "#/i/" + row.uuid + "/s/" + row.section_id : "#/i/" + row.uuid;
          list.appendChild(h("li", { class: "unsent-row", "data-uuid": row.uuid },
            h("span", { class: "unsent-what" }, h("strong", { text: placeName(row) }), " · " + title + " (v" + row.questionnaire_version + ")"),
            h("span", { class: "badge badge-" + row.status, text: row.status === "draft" ? t("Draft") : t("Complete") }),
            h("span", { class: "muted", text: t("updated %(time)s", { time: time(row.modified) }) }),
            row.status === "complete" ? h("span", { class: refused[row.uuid] ? "send-state error" : "send-state muted",
              text: refused[row.uuid] ? t("Refused by the central: %(reason)s", { reason: refused[row.uuid] })
                : t("Waiting to be sent") }) : null,
            h("a", { href: target, class: "button", text: row.status === "draft" ? t("Continue") : t("Show") }),
            versionNote(row, forms[row.questionnaire_id])));
        });
        panel.appendChild(list);
      }
      var sentPanel = h("section", { class: "card", id: "sent", "aria-labelledby": "sent-title" },
        h("h2", { id: "sent-title", text: t("Sent interviews") + " (" + sentRows.length + ")" }));
      if (sentRows.length) {
        sentPanel.appendChild(h("ul", { class: "unsent-list" }, sentRows.slice(0, 50).map(function (row) {
          var title = forms[row.questionnaire_id] ? label(forms[row.questionnaire_id].title, row.questionnaire_id) : row.questionnaire_id;
          return h("li", { class: "sent-row", "data-uuid": row.uuid },
            h("span", { class: "unsent-what" }, h("strong", { text: placeName(row) }), " · " + title + " (v" + row.questionnaire_version + ")"),
            h("span", { class: "badge badge-complete", text: t("Sent") }),
            h("span", { class: "muted", text: t("Sent and acknowledged %(time)s", { time: time(row.sent_at) }) }),
            h("a", { href: "#/i/" + row.uuid, class: "button", text: t("Show") }));
        })));
      }
      show(t("fieldkit offline"), h("h1", { text: t("Interviews in this browser") }), notices(), verifierNote(),
        othersNotice(found[6]),
        h("p", { class: "flash " + (state.persisted === "granted" ? "flash-success" : "flash-info"), id: "persist",
          "data-persisted": state.persisted, text: persistenceText() }),
        state.updated ? h("p", { class: "muted", text: t("The form data was updated %(time)s.", { time: time(state.updated) }) }) : null,
        form, panel, syncPanel(found[3], found[4], found[5], waiting.length), sentPanel);
      finish();
    });
  }

  /* The start page's district: shown only while a questionnaire answered per district is chosen (as on the
   * laptop's start page); choosing a district chooses its municipality. */
  function districtField(municipalitySelect) {
    var select = h("select", { id: "district", name: "district", class: "input" },
      h("option", { value: "", text: "" }));
    var units = (state.registry && state.registry.districts) || [];
    var codes = [];
    units.forEach(function (d) { if (codes.indexOf(d.municipality_code) < 0) codes.push(d.municipality_code); });
    codes.forEach(function (code) {
      select.appendChild(h("optgroup", { label: municipality(code).name }, units.filter(function (d) {
        return d.municipality_code === code;
      }).map(function (d) { return h("option", { value: d.code, text: d.name + " (" + d.code + ")" }); })));
    });
    select.addEventListener("change", function () {
      var unit = units.find(function (d) { return d.code === select.value; });
      if (unit) municipalitySelect.value = unit.municipality_code;
    });
    var element = h("div", { class: "field", id: "district-field", hidden: true },
      h("label", { for: "district", text: t("District") }), select);
    return {
      element: element, select: select,
      show: function (form) {
        var wanted = Boolean(form && form.level === "district");
        element.hidden = !wanted;
        select.required = wanted;
      },
      /* The district to start with: a code, null (not asked), or false (asked and missing or not of this municipality). */
      check: function (form, place) {
        if (form.level !== "district") return null;
        var unit = units.find(function (d) { return d.code === select.value; });
        return unit && unit.municipality_code === place.code ? unit.code : false;
      }
    };
  }

  /* Interviews of other users of this browser: how many wait, never what they are. */
  function othersNotice(count) {
    if (!count) return null;
    return h("p", { class: "flash flash-info", role: "status", id: "others", "data-count": String(count), text: t(
      "Interviews of another user waiting in this browser: %(n)s. They are not shown here; they will be sent when " +
      "that user logs in here again.", { n: count }) });
  }

  /* What the start page must say first: a failed write, changed or replaced stored forms, a full storage. */
  function notices() {
    var out = [];
    if (state.notice) out.push(h("p", { class: "flash flash-error", role: "alert", id: "notice", text: state.notice }));
    state.problems.forEach(function (problem) {
      out.push(h("p", { class: "flash flash-error", role: "alert", "data-problem": problem.code, text: formProblemText(problem) }));
    });
    if (state.replaced.length) {
      out.push(h("p", { class: "flash flash-info", role: "status", id: "replaced", text: t(
        "Stored questionnaires that differed from the server's were loaded again: %(which)s.", { which:
          state.replaced.map(function (key) { return key[0] + " v" + key[1]; }).join(", ") }) }));
    }
    out.push(spaceWarning());
    if (state.moved) out.push(state.moved);
    state.moved = null;
    return out;
  }

  /* A draft of a version the central has replaced (move it) or no longer offers (finish it as it is). */
  function versionNote(row, current) {
    if (row.status !== "draft" || (current && current.version === row.questionnaire_version)) return null;
    if (!current) {
      return h("span", { class: "version-note muted", text: t(
        "The central no longer offers this questionnaire; the draft keeps version %(version)s and can be completed.",
        { version: row.questionnaire_version }) });
    }
    if (row.head_revision) {
      return h("span", { class: "version-note muted", text: t(
        "Version %(version)s is on the central now; a completed interview keeps its version.", { version: current.version }) });
    }
    var button = h("button", { type: "button", class: "button move", text: t("Move to version %(version)s",
      { version: current.version }) });
    button.addEventListener("click", function () {
      button.disabled = true;
      Storage.moveDraft(row.uuid, current).then(function (move) {
        state.moved = h("div", { class: "flash flash-success", role: "status", id: "moved" },
          h("p", { text: t("The draft moved from version %(from)s to %(to)s: %(carried)s answers carried, %(dropped)s could " +
            "not be (they are kept with the interview).", { from: move.from_version, to: move.to_version,
            carried: move.carried.length, dropped: move.dropped.length }) }),
          move.dropped.length ? h("ul", {}, move.dropped.map(function (d) {
            return h("li", { text: d.question + ": " + d.reason });
          })) : null);
        route();
      }, function (error) { fail(storageMessage(error)); });
    });
    return h("span", { class: "version-note" }, h("span", { class: "muted", text: t(
      "Version %(version)s is on the central now; this draft keeps version %(old)s until you move it.",
      { version: current.version, old: row.questionnaire_version }) }), " ", button);
  }

  // -- sending: enrolment, push and the file ---------------------------------------------------

  function syncPanel(device, lastSend, lastFile, waiting) {
    var busy = false;
    var status = h("p", { id: "send-state", role: "status", "aria-live": "polite" });
    if (lastSend && lastSend.ok) {
      status.className = "flash flash-success";
      status.dataset.state = "acknowledged";
      status.textContent = lastSend.report.pending
        ? t("Sent %(sent)s, acknowledged %(acked)s by the central %(time)s.", { sent: lastSend.report.sent,
          acked: lastSend.report.acknowledged, time: time(lastSend.at) })
        : t("Nothing to send %(time)s: the central holds every completed interview.", { time: time(lastSend.at) });
    } else if (lastSend) {
      status.className = "flash flash-error";
      status.dataset.state = "failed";
      status.textContent = t("The send failed %(time)s: %(reason)s. Everything is kept in this browser; try again later.",
        { time: time(lastSend.at), reason: sendReason(lastSend) });
    } else status.hidden = true;
    var revoked = device && device.revoked;
    var deviceText = !device ? t("This browser is not enrolled: while connected and logged in, enrol it once to send interviews from it.")
      : revoked ? t("The central revoked the enrolment of this browser. Nothing was deleted here: log in and enrol it again, then send.")
        : t("This browser is enrolled as %(name)s for %(user)s.", { name: device.name, user: device.user });
    var run = function (button, work) {
      return function () {
        if (busy) return;
        busy = true;
        button.disabled = true;
        button.textContent = t("Working…");
        work().then(route, function (error) {
          busy = false;
          status.hidden = false;
          status.className = "flash flash-error";
          status.dataset.state = "failed";
          status.textContent = error && error.reason === "login" ? t("Log in on the server first, then enrol the browser.")
            : t("Could not do it: %(reason)s", { reason: error && error.message || String(error) });
          route();
        });
      };
    };
    var enrolButton = h("button", { type: "button", class: "button", id: "enrol", text: t("Enrol this browser") });
    enrolButton.addEventListener("click", run(enrolButton, function () { return Sync.enrol(body.dataset.enrol); }));
    var sendButton = h("button", { type: "button", class: "button primary", id: "send", text: t("Send to the central"),
      disabled: !device || revoked || !waiting });
    sendButton.addEventListener("click", function () {
      if (busy) return;
      busy = true;
      sendButton.disabled = true;
      sendButton.textContent = t("Sending…");
      Sync.push().then(route, route);  // the outcome is in last_send either way
    });
    var fileButton = h("button", { type: "button", class: "button", id: "save-file", text: t("Save to file"),
      disabled: !device || !waiting });
    fileButton.addEventListener("click", run(fileButton, function () {
      return Sync.bundle().then(function (made) {
        var link = h("a", { href: URL.createObjectURL(new Blob([made.bytes], { type: "application/zip" })), download: made.name });
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(function () { URL.revokeObjectURL(link.href); }, 60000);
        return Storage.putMeta(Storage.userKey("last_file"), { at: new Date().toISOString(), name: made.name,
          revisions: made.revision_ids.length });
      });
    }));
    return h("section", { class: "card", id: "sync", "aria-labelledby": "sync-title" },
      h("h2", { id: "sync-title", text: t("Send to the central") }),
      h("p", { id: "device-state", "data-enrolled": device && !revoked ? "1" : "0", text: deviceText }),
      h("p", { class: "muted", text: t("%(n)s completed revisions wait for the central's acknowledgement.", { n: waiting }) }),
      h("div", { class: "actions" }, !device || revoked ? enrolButton : null, sendButton, fileButton),
      h("p", { class: "muted", text: t("The file holds every interview not yet acknowledged, signed by this browser; the central reads it with `fieldkit sync ingest`.") }),
      lastFile ? h("p", { class: "muted", id: "file-state", text: t("Saved to the file %(name)s %(time)s.",
        { name: lastFile.name, time: time(lastFile.at) }) }) : null,
      status);
  }

  function sendReason(failure) {
    if (failure.reason === "network") return t("the server could not be reached");
    if (failure.reason === "server") return t("the server had an error (%(status)s)", { status: failure.status });
    if (failure.reason === "revoked_device") return t("the enrolment of this browser was revoked");
    if (failure.reason === "unknown_device") return t("the central does not know this browser");
    if (failure.reason === "not_enrolled") return t("this browser is not enrolled");
    return failure.message || failure.reason;
  }

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  // -- an interview ----------------------------------------------------------------------------

  // -- one tab edits an interview at a time (Web Locks) ----------------------------------------

  function releaseLock() {
    if (lock.release) lock.release();
    lock = { name: null, release: null, lost: null };
  }

  /* Hold the interview's lock in this tab: resolves true when held, false when another tab holds it.
   * With `steal`, this tab takes it over; the other tab's `lost` is then called and it stops editing. */
  function holdInterview(id, steal, lost) {
    if (!navigator.locks) return Promise.resolve(true);  // an old browser: the saves' seq check still guards
    var name = "fieldkit-interview-" + id;
    if (lock.name === name && lock.release) { lock.lost = lost; return Promise.resolve(true); }
    releaseLock();
    return new Promise(function (resolve) {
      navigator.locks.request(name, steal ? { steal: true } : { ifAvailable: true }, function (granted) {
        if (!granted) { resolve(false); return null; }
        return new Promise(function (release) {
          lock = { name: name, release: release, lost: lost };
          resolve(true);
        });
      }).catch(function () {
        // AbortError: another tab took the interview over.
        if (lock.name === name) {
          var then = lock.lost;
          lock = { name: null, release: null, lost: null };
          if (then) then();
        }
      });
    });
  }

  function withInterview(id, then) {
    Storage.getInterview(id).then(function (interview) {
      if (!interview) { fail(t("This interview does not exist in this browser.")); return null; }
      if (!Storage.mine(interview)) { fail(t("This interview belongs to another user of this browser.")); return null; }
      return Storage.getForm(interview.questionnaire_id, interview.questionnaire_version).then(function (form) {
        if (!form) { fail(t("The questionnaire of this interview is missing in this browser.")); return; }
        then(interview, form);
      });
    }).catch(function (error) { fail(storageMessage(error)); });
  }

  function interviewHead(interview, form, position, total) {
    var m = municipality(interview.municipality_code);
    return h("div", { class: "interview-head" },
      h("p", { class: "muted" }, label(form.title, form.id) + " · ", h("strong", { text: placeName(interview) }), m.county ? " (" + m.county + ")" : ""),
      position ? h("p", { class: "progress-text", text: t("Part %(n)s of %(total)s", { n: position, total: total }) }) : null,
      position ? h("progress", { max: total, value: position, "aria-hidden": "true" }) : null);
  }

  function sectionPage(id, sectionId) {
    withInterview(id, function (interview, form) {
      if (interview.status !== "draft") { location.replace("#/i/" + id); return; }
      var raw = JSON.parse(JSON.stringify(interview.raw || {}));
      var visible = Answers.sections(form, raw).sections;
      var section = visible.find(function (s) { return s.id === sectionId; });
      if (!section) {
        // Not relevant (any more) for these answers: the first relevant section after it, else the last.
        var order = form.sections.map(function (s) { return s.id; });
        var here = order.indexOf(sectionId);
        section = visible.find(function (s) { return order.indexOf(s.id) > here; }) || visible[visible.length - 1];
        location.replace("#/i/" + id + (section ? "/s/" + section.id : "/review"));
        return;
      }
      new SectionView(interview, form, section, raw).render();
    });
  }

  function SectionView(interview, form, section, raw) {
    this.interview = interview;
    this.form = form;
    this.section = section;
    this.raw = raw;
    this.blocks = {};
    this.entries = [];
    this.piped = [];
    this.tried = false;
    this.warned = null;
    this.shownBefore = null;
  }

  SectionView.prototype.render = function () {
    var view = this;
    var own = this.section.questions;
    var formElement = h("form", { id: "interview", novalidate: true, onsubmit: function (event) {
      event.preventDefault();
      view.next();
    } });
    this.top = this.scope(this.raw, null, 0);
    own.forEach(function (q) {
      var block = q.type === "repeat" ? view.renderRepeat(q) : view.add(q, view.top);
      if (block) formElement.appendChild(block);
    });
    this.saveState = h("span", { class: "save-state", id: "save-state", role: "status", "aria-live": "polite" });
    this.notice = h("p", { class: "flash flash-info", role: "status", hidden: true });
    this.summary = h("div", { class: "flash flash-error", role: "alert", hidden: true, tabindex: "-1" });
    this.progressHead = h("div");
    this.nextButton = h("button", { type: "submit", class: "button primary" });
    this.prevButton = h("button", { type: "button", class: "button", text: t("Previous"), onclick: function () { view.go(-1); } });
    formElement.appendChild(h("div", { class: "actions" }, this.prevButton, this.nextButton, this.saveState));
    show(label(this.section.title, this.section.id), this.progressHead,
      h("h1", { text: label(this.section.title, this.section.id) }),
      this.section.description ? h("p", { class: "lead", text: label(this.section.description) }) : null,
      this.notice, this.summary, formElement);
    if (this.interview.modified) this.saveState.textContent = t("Saved in this browser %(time)s", { time: time(this.interview.modified) });
    this.update();
    this.formElement = formElement;
    this.elsewhere = h("div", { class: "flash flash-warning", role: "alert", id: "elsewhere", hidden: true });
    main.insertBefore(this.elsewhere, main.firstChild);
    holdInterview(this.interview.uuid, false, function () { view.lockOut(true); }).then(function (held) {
      if (!held) view.lockOut(false);
      finish();
    });
  };

  /* Where a question's raw values live: the page's, or one instance's of a repeat (then keys are instance keys). */
  SectionView.prototype.scope = function (raw, repeat, number) {
    var view = this;
    return {
      raw: raw, repeat: repeat, number: number,
      key: function (qid) { return repeat ? Answers.instanceKey(repeat.id, number, qid) : qid; },
      set: function (key, value) {
        if (value === null || value === "" || (Array.isArray(value) && !value.length)) delete raw[key];
        else raw[key] = value;
      },
      save: function () { return view.save(); },
      change: function (key, value) {
        if (view.locked) return Promise.resolve();
        this.set(key, value);
        return view.save();
      }
    };
  };

  SectionView.prototype.add = function (q, scope) {
    var block = renderQuestion(q, this, scope);
    if (!block) return null;
    var key = scope.key(q.id);
    this.blocks[key] = block;
    this.entries.push({ key: key, q: q, block: block, scope: scope });
    return block;
  };

  /* A repeat: numbered instances, each with its questions and buttons to move it up or down or remove it
   * (native buttons: keyboard-usable), and a button to add one. A change of instances draws the repeat again. */
  SectionView.prototype.renderRepeat = function (q, focus) {
    var view = this, key = q.id, id = "q-" + cssId(key);
    if (!Array.isArray(this.raw[key])) this.raw[key] = Array.isArray(this.raw[key]) ? this.raw[key] : [];
    var list = this.raw[key];
    list.forEach(function (entry, i) { if (!entry || typeof entry !== "object" || Array.isArray(entry)) list[i] = {}; });
    this.entries = this.entries.filter(function (e) { return !(e.scope.repeat && e.scope.repeat.id === key); });
    this.piped = this.piped.filter(function (p) { return !p.repeat || p.repeat !== key; });
    var name = Answers.labelIn(q.instance_label, state.lang, label(q.label, q.id));
    var instances = h("div", { class: "instances" });
    var pipedBefore = this.piped.length;
    var restructure = function (work, target) {
      return function () {
        if (view.locked) return;
        work();
        view.save();
        view.renderRepeat(q, target());
      };
    };
    list.forEach(function (entry, i) {
      var n = i + 1, title = Answers.instanceText(q, state.lang, n), instanceId = "inst-" + cssId(key) + "-" + n;
      var scope = view.scope(entry, q, n);
      var section = h("section", { class: "instance", id: instanceId, tabindex: "-1", "aria-labelledby": instanceId + "-h" },
        h("h2", { class: "instance-title", id: instanceId + "-h", text: title }));
      q.questions.forEach(function (child) {
        var block = view.add(child, scope);
        if (block) section.appendChild(block);
      });
      var actions = h("div", { class: "instance-actions" });
      if (n > 1) {
        actions.appendChild(h("button", { type: "button", class: "button move-up", "aria-label": t("Move up") + ": " + title,
          text: t("Move up"), onclick: restructure(function () { list.splice(i - 1, 0, list.splice(i, 1)[0]); },
            function () { return [n - 1, n - 1 > 1 ? ".move-up" : ".move-down"]; }) }));
      }
      if (n < list.length) {
        actions.appendChild(h("button", { type: "button", class: "button move-down", "aria-label": t("Move down") + ": " + title,
          text: t("Move down"), onclick: restructure(function () { list.splice(i + 1, 0, list.splice(i, 1)[0]); },
            function () { return [n + 1, n + 1 < list.length ? ".move-down" : ".move-up"]; }) }));
      }
      actions.appendChild(h("button", { type: "button", class: "button remove", "aria-label": t("Remove") + ": " + title,
        text: t("Remove"), onclick: restructure(function () { list.splice(i, 1); },
          function () { return list.length ? [Math.min(n, list.length), null] : [0, ".add-instance"]; }) }));
      section.appendChild(actions);
      instances.appendChild(section);
    });
    var full = q.max !== undefined && q.max !== null && list.length >= q.max;
    var fieldset = h("fieldset", { class: "question q-repeat", id: id, "data-qid": key, tabindex: "-1" },
      h("legend", { id: id + "-legend" }, textNode(this, "span", { class: "question-text" }, q.label, q.id)),
      q.help ? textNode(this, "p", { class: "help", id: id + "-help" }, q.help) : null,
      h("p", { class: "error", id: id + "-error", hidden: true }),
      list.length ? null : h("p", { class: "muted", text: t("None added yet.") }),
      instances,
      full ? null : h("button", { type: "button", class: "button add-instance", text: t("Add %(what)s", { what: name }),
        onclick: restructure(function () { list.push({}); }, function () { return [list.length, "input, textarea"]; }) }));
    this.piped.slice(pipedBefore).forEach(function (p) { p.repeat = key; });
    var old = this.blocks[key];
    this.blocks[key] = fieldset;
    if (!this.entries.some(function (e) { return e.key === key; })) {
      this.entries.push({ key: key, q: q, block: fieldset, scope: this.top });
    } else {
      this.entries.forEach(function (e) { if (e.key === key) e.block = fieldset; });
    }
    if (old && old.parentNode) {
      old.parentNode.replaceChild(fieldset, old);
      this.update();
    }
    if (focus) {
      var target = focus[0] ? fieldset.querySelector("#inst-" + cssId(key) + "-" + focus[0]) : fieldset;
      var inner = target && focus[1] ? target.querySelector(focus[1]) : null;
      (inner || target || fieldset).focus();
    }
    return fieldset;
  };

  /* Another tab edits this interview: nothing can be changed here until this tab takes it over. */
  SectionView.prototype.lockOut = function (taken) {
    var view = this;
    this.locked = true;
    this.formElement.querySelectorAll("input, textarea, select, button").forEach(function (el) { el.disabled = true; });
    var take = h("button", { type: "button", class: "button", id: "take-over", text: t("Edit here instead") });
    take.addEventListener("click", function () {
      take.disabled = true;
      view.settled().then(function () {
        return holdInterview(view.interview.uuid, true, function () { view.lockOut(true); });
      }).then(route);  // drawn again from IndexedDB: what the other tab saved is here
    });
    this.elsewhere.replaceChildren(h("p", { text: taken
      ? t("This interview was taken over in another tab or window. Everything answered here is saved; continue there, " +
        "or take it back here.")
      : t("This interview is open in another tab or window. To keep one version of the answers it can be edited in " +
        "one place at a time.") }), take);
    this.elsewhere.dataset.state = taken ? "taken" : "elsewhere";
    this.elsewhere.hidden = false;
  };

  /* Relevance, derived values, warnings and (after a first try) errors, for the current raw values. */
  SectionView.prototype.update = function () {
    var view = this, result = Answers.sections(this.form, this.raw);
    this.visible = result.sections;
    var cleaned = result.cleaned, skipped = cleaned.skipped;
    var position = this.visible.indexOf(this.visible.find(function (s) { return s.id === view.section.id; })) + 1;
    this.progressHead.replaceChildren(interviewHead(this.interview, this.form, position, this.visible.length));
    this.nextButton.textContent = this.neighbour(1) ? t("Next") : t("Review and complete");
    this.prevButton.hidden = !this.neighbour(-1);
    var full = this.tried ? Answers.clean(this.form, this.raw, { lang: state.lang }) : null;
    this.entries.forEach(function (entry) {
      var q = entry.q, block = entry.block, key = entry.key;
      if (q.type === "derived") {
        updateDerived(block, q, cleaned, full, key);
        return;
      }
      if (Answers.answerable(q)) block.hidden = skipped.indexOf(key) >= 0;
      var error = full && full.errors[key];
      block.classList.toggle("has-error", Boolean(error));
      var slot = block.querySelector(".error");
      if (slot) { slot.textContent = error || ""; slot.hidden = !error; }
      if (q.other) {
        var other = block.querySelector(".other-text");
        if (other) other.hidden = !(entry.scope.raw[q.id] || []).includes(q.other);
      }
      if (q.filter) {  // a choice filter: only the choices that fit the earlier answers (a chosen one stays)
        var codes = Answers.offered(q, function (qid) { return cleaned.answers[qid] === undefined ? null : cleaned.answers[qid]; });
        block.querySelectorAll("input[type=radio], input[type=checkbox]").forEach(function (input) {
          input.closest("label").hidden = codes.indexOf(input.value) < 0 && !input.checked;
        });
      }
    });
    // ${section.question} in labels and help texts: the answers (and derived values) as the page's language shows them.
    var shown = Object.assign({}, cleaned.answers, cleaned.derived);
    this.piped.forEach(function (p) {
      p.node.textContent = Answers.pipe(view.form, label(p.texts, p.fallback), shown, state.lang);
    });
    this.cleaned = cleaned;
    this.errors = full ? this.ownErrors(full) : [];
  };

  SectionView.prototype.ownErrors = function (full) {
    var own = this.section.questions.map(function (q) { return q.id; });
    var repeats = this.section.questions.filter(function (q) { return q.type === "repeat"; }).map(function (q) { return q.id + "["; });
    return Object.keys(full.errors).filter(function (key) {
      return own.indexOf(key) >= 0 || repeats.some(function (prefix) { return key.indexOf(prefix) === 0; });
    }).map(function (key) { return [key, full.errors[key]]; });
  };

  SectionView.prototype.neighbour = function (step) {
    var order = this.form.sections.map(function (s) { return s.id; });
    var here = order.indexOf(this.section.id);
    var candidates = this.visible.filter(function (s) { return (order.indexOf(s.id) - here) * step > 0; });
    if (!candidates.length) return null;
    return step > 0 ? candidates[0] : candidates[candidates.length - 1];
  };

  /* An answer changed: write it to IndexedDB first, then let the page react. */
  SectionView.prototype.change = function (key, value) { return this.top.change(key, value); };

  SectionView.prototype.save = function () {
    var view = this;
    if (this.locked) return Promise.resolve();
    var snapshot = JSON.parse(JSON.stringify(this.raw));
    // One save after the other, each saying which save it follows: a save from another tab in between is refused.
    this.pending = this.settled().then(function () {
      return Storage.saveDraft(view.interview.uuid, snapshot, view.section.id, view.interview.seq);
    }).then(function (saved) {
      view.interview = saved;
      view.saveState.textContent = t("Saved in this browser %(time)s", { time: time(saved.modified) });
      view.saveState.classList.remove("save-error");
      view.update();
    }, function (error) {
      view.saveState.textContent = storageMessage(error);
      view.saveState.classList.add("save-error");
      view.saveState.setAttribute("role", "alert");
      return null;  // said on the page; the next change saves every answer again, this one included
    });
    return this.pending;
  };

  SectionView.prototype.settled = function () { return Promise.resolve(this.pending).catch(function () { return null; }); };

  SectionView.prototype.next = function () {
    var view = this;
    this.settled().then(function () {
      view.tried = true;
      view.update();
      var visibleNow = view.entries.filter(function (e) { return !e.block.hidden; }).map(function (e) { return e.key; });
      var warnings = view.entries.filter(function (e) { return view.cleaned.warnings.indexOf(e.key) >= 0; })
        .map(function (e) { return e.key; });
      if (view.errors.length) {
        view.summary.replaceChildren(h("p", { text: t("Answer the questions that are marked, then complete.") }),
          h("ul", {}, view.errors.map(function (e) {
            // An instance's error names the instance and its question; a repeat's names the repeat.
            var q = findQuestion(view.form, e[0]);
            var named = q.type === "derived" || q.type === "repeat" || !view.section.questions.some(function (x) { return x.id === e[0]; });
            return h("li", {}, h("a", { href: "#q-" + cssId(e[0]), onclick: focusQuestion(e[0]),
              text: named ? e[1] : label(q.label, q.id) + ": " + e[1] }));
          })));
        view.summary.hidden = false;
        view.summary.focus();
        return;
      }
      view.summary.hidden = true;
      var newWarnings = warnings.filter(function (qid) { return !view.warned || view.warned.indexOf(qid) < 0; });
      if (newWarnings.length) {
        // A warning stops the interviewer once, so that it is read; the next try goes on.
        view.warned = warnings;
        view.notice.textContent = t("Check the warnings on this page. You can continue anyway.");
        view.notice.hidden = false;
        view.blocks[newWarnings[0]].focus();
        return;
      }
      view.shownBefore = visibleNow;
      view.go(1);
    });
  };

  SectionView.prototype.go = function (step) {
    var view = this;
    this.settled().then(function () {
      var target = view.neighbour(step);
      if (target) location.hash = "#/i/" + view.interview.uuid + "/s/" + target.id;
      else if (step > 0) location.hash = "#/i/" + view.interview.uuid + "/review";
    });
  };

  function findQuestion(form, qid) {
    for (var i = 0; i < form.sections.length; i++) {
      var q = form.sections[i].questions.find(function (x) { return x.id === qid; });
      if (q) return q;
    }
    return { id: qid, label: {} };
  }

  function cssId(qid) { return qid.replace(/[^A-Za-z0-9_-]/g, "-"); }

  function focusQuestion(qid) {
    return function (event) {
      event.preventDefault();
      var target = document.querySelector("#q-" + cssId(qid) + " input, #q-" + cssId(qid) + " textarea, #q-" + cssId(qid));
      if (target) target.focus();
    };
  }

  // -- questions -------------------------------------------------------------------------------

  /* A label or help text; one with ${section.question} in it is piped again on every update (as textContent). */
  function textNode(view, tag, attrs, texts, fallback) {
    var node = h(tag, attrs);
    node.textContent = label(texts, fallback);
    var written = Object.keys(texts || {}).some(function (lang) { return String(texts[lang]).indexOf("${") >= 0; });
    if (written) view.piped.push({ node: node, texts: texts, fallback: fallback || "" });
    return node;
  }

  function renderQuestion(q, view, scope) {
    if (Answers.isMetadata(q)) return null;  // recorded automatically (Answers.record), never shown
    var key = scope.key(q.id), id = "q-" + cssId(key);
    if (q.type === "note") {
      return h("div", { class: "question q-note", id: id }, textNode(view, "p", {}, q.label, q.id),
        q.help ? textNode(view, "p", { class: "help" }, q.help) : null);
    }
    if (q.type === "derived") {
      return h("div", { class: "question q-derived", id: id, tabindex: "-1", hidden: true, "data-qid": key },
        h("p", { class: "derived-text" }));
    }
    var legend = h("legend", { id: id + "-legend" }, textNode(view, "span", { class: "question-text" }, q.label, q.id),
      q.required ? h("span", { class: "req", title: t("Required"), "aria-label": t("Required"), text: "*" }) : null);
    var help = q.help ? textNode(view, "p", { class: "help", id: id + "-help" }, q.help) : null;
    var error = h("p", { class: "error", id: id + "-error", hidden: true });
    var fieldset = h("fieldset", { class: "question q-" + q.type, id: id, "data-qid": key, tabindex: "-1",
      "aria-describedby": (help ? id + "-help " : "") + id + "-error" }, legend, help, error);
    var raw = scope.raw, name = scope.key(q.id);
    var change = function (k, value) { return scope.change(k, value); };
    if (q.type === "single" || q.type === "scale" || q.type === "yesno") {
      fieldset.appendChild(radios(name, q.choices, raw[q.id], function (code) { change(q.id, code); }));
      fieldset.appendChild(h("button", { type: "button", class: "link-button clear", text: t("Clear the answer"),
        onclick: function () {
          fieldset.querySelectorAll("input").forEach(function (input) { input.checked = false; });
          change(q.id, null);
        } }));
    } else if (q.type === "multi") {
      var box = h("div", { class: "choices" });
      var chosen = function () {
        return Array.from(box.querySelectorAll("input:checked")).map(function (input) { return input.value; });
      };
      q.choices.forEach(function (c) {
        var special = (q.special || []).some(function (s) { return s.code === c.code; });
        box.appendChild(h("label", { class: "choice" + (special ? " choice-special" : "") },
          h("input", { type: "checkbox", name: name, value: c.code, checked: (raw[q.id] || []).indexOf(c.code) >= 0,
            onchange: function () { change(q.id, chosen()); } }),
          h("span", { text: label(c.label, c.code) })));
      });
      fieldset.appendChild(box);
      if (q.other) {
        var otherKey = q.id + "/annat";
        fieldset.appendChild(h("label", { class: "field other-text" }, h("span", { text: t("Other, please specify") }),
          h("input", { type: "text", class: "input input-text", name: scope.key(otherKey), value: raw[otherKey] || "",
            maxlength: Answers.MAX_TEXT, oninput: function (event) { change(otherKey, event.target.value); } })));
      }
    } else if (q.type === "matrix") {
      var table = h("table", { class: "matrix" });
      table.appendChild(h("thead", {}, h("tr", {}, h("th", { scope: "col" }, h("span", { class: "visually-hidden", text: label(q.label, q.id) })), q.choices.map(function (c) {
        return h("th", { scope: "col", text: label(c.label, c.code) });
      }))));
      var tbody = h("tbody");
      q.items.forEach(function (item) {
        var rowKey = q.id + "/" + item.code, rowName = scope.key(rowKey), rowId = "m-" + cssId(rowName);
        var row = h("tr", {}, h("th", { scope: "row", id: rowId + "-label", text: label(item.label, item.code) }));
        q.choices.forEach(function (c) {
          // The choice's text is in the label (hidden beside the column heading; shown on a phone-sized screen).
          row.appendChild(h("td", {}, h("label", { class: "cell" },
            h("input", { type: "radio", name: rowName, value: c.code, "aria-describedby": rowId + "-label",
              checked: raw[rowKey] === c.code, onchange: function () { change(rowKey, c.code); } }),
            h("span", { class: "visually-hidden", text: label(c.label, c.code) }))));
        });
        tbody.appendChild(row);
      });
      table.appendChild(tbody);
      fieldset.appendChild(h("div", { class: "matrix-wrap" }, table));
    } else if (q.type === "rank") {
      renderRank(fieldset, q, scope, id);
    } else if (q.type === "acknowledge") {
      fieldset.appendChild(h("div", { class: "choices" }, h("label", { class: "choice" },
        h("input", { type: "checkbox", name: name, id: id + "-input", value: "OK", checked: raw[q.id] === "OK",
          onchange: function (event) { change(q.id, event.target.checked ? "OK" : null); } }),
        h("span", { text: t("OK") }))));
    } else if (q.type === "geopoint") {
      renderGeopoint(fieldset, q, scope, id);
    } else {
      var specials = (q.special || []).map(function (s) { return s.code; });
      var typed = specials.indexOf(raw[q.id]) >= 0 ? "" : (raw[q.id] === undefined || raw[q.id] === null ? "" : String(raw[q.id]));
      var attrs = { name: name, id: id + "-input", class: "input input-" + q.type, value: typed,
        "aria-labelledby": id + "-legend",
        // a text stops where cleaning would refuse it (answers.js, as forms/answers.py)
        maxlength: q.type === "text" || q.type === "longtext" ? q.max_length || Answers.MAX_TEXT : null };
      var input, slider = null;
      if (q.type === "longtext") {
        input = h("textarea", attrs);
        input.value = typed;
      } else {
        if (q.type === "integer" || q.type === "money" || q.type === "year") attrs.inputmode = "numeric";
        if (q.type === "decimal" || q.type === "range") attrs.inputmode = "decimal";
        if (q.type === "date") { attrs.type = "date"; attrs.min = q.min || null; attrs.max = q.max || null; }
        else if (q.type === "time") attrs.type = "time";
        else if (q.type === "datetime") attrs.type = "datetime-local";
        else attrs.type = "text";
        input = h("input", attrs);
      }
      var specialBox = specials.length ? radios(name + "/special", q.special, specials.indexOf(raw[q.id]) >= 0 ? raw[q.id] : null,
        function (code) { input.value = ""; change(q.id, code); }) : null;
      input.addEventListener("input", function () {
        if (specialBox) specialBox.querySelectorAll("input").forEach(function (radio) { radio.checked = false; });
        if (slider) {
          var typedNumber = parseFloat(input.value.replace(",", "."));
          if (!isNaN(typedNumber)) slider.value = String(typedNumber);
        }
        change(q.id, input.value);
      });
      if (q.type === "range") {
        // The slider sets the number box, which holds the answer: an untouched slider is no answer.
        var low = q.min === undefined ? 0 : q.min, high = q.max === undefined ? 10 : q.max;
        slider = h("input", { type: "range", class: "range-slider", id: id + "-slider", min: low, max: high,
          step: q.step || 1, value: typed !== "" ? typed.replace(",", ".") : low, "aria-labelledby": id + "-legend" });
        slider.addEventListener("input", function () {
          input.value = slider.value;
          if (specialBox) specialBox.querySelectorAll("input").forEach(function (radio) { radio.checked = false; });
          change(q.id, slider.value);
        });
        fieldset.appendChild(h("div", { class: "input-row range-row" }, slider, input, h("span", { class: "unit range-ends",
          text: t("%(min)s to %(max)s", { min: Answers.formatNumber(low, state.lang), max: Answers.formatNumber(high, state.lang) }) })));
      } else fieldset.appendChild(input);
      if (specialBox) { specialBox.classList.add("choices-inline"); fieldset.appendChild(specialBox); }
    }
    return fieldset;
  }

  /* A rank: the options in order with up and down buttons; the order shown is no answer until an option is moved
   * or "Keep this order" is pressed (as on the server's pages). */
  function renderRank(fieldset, q, scope, id) {
    var codes = q.choices.filter(function (c) { return !(q.special || []).some(function (s) { return s.code === c.code; }); })
      .map(function (c) { return c.code; });
    var given = scope.raw[q.id];
    var answered = Array.isArray(given) && given.length === codes.length &&
      codes.every(function (code) { return given.indexOf(code) >= 0; });
    var order = answered ? given.slice() : codes.slice();
    var holder = h("div", { class: "rank" });
    var draw = function (focusCode, up) {
      var list = h("ol", { class: "rank-list", id: id + "-list", "aria-describedby": id + "-rank-help" });
      order.forEach(function (code, i) {
        var text = label((q.choices.find(function (c) { return c.code === code; }) || {}).label, code);
        var move = function (step) {
          return function () {
            var other = order[i + step];
            order[i + step] = code;
            order[i] = other;
            answered = true;
            scope.change(q.id, order.slice());
            draw(code, step < 0);
          };
        };
        list.appendChild(h("li", { class: "rank-item", "data-code": code },
          h("span", { class: "rank-label", text: text }),
          h("button", { type: "button", class: "button rank-move rank-up", "aria-label": t("Move up") + ": " + text,
            disabled: i === 0, text: "↑", onclick: move(-1) }),
          h("button", { type: "button", class: "button rank-move rank-down", "aria-label": t("Move down") + ": " + text,
            disabled: i === order.length - 1, text: "↓", onclick: move(1) })));
      });
      var after = answered
        ? h("button", { type: "button", class: "link-button clear-answer", text: t("Clear the answer"), onclick: function () {
          answered = false;
          order = codes.slice();
          scope.change(q.id, null);
          draw(null);
        } })
        : h("button", { type: "button", class: "link-button rank-keep", text: t("Keep this order"), onclick: function () {
          answered = true;
          scope.change(q.id, order.slice());
          draw(null);
          holder.querySelector(".clear-answer").focus();
        } });
      holder.replaceChildren(h("p", { class: "muted", id: id + "-rank-help",
        text: t("Put the options in order, the first place first: move an option with its up and down buttons.") }), list, after);
      if (focusCode) {
        var item = list.querySelector('[data-code="' + CSS.escape(focusCode) + '"]');
        var again = item.querySelector(up ? ".rank-up" : ".rank-down");
        (again.disabled ? item.querySelector(up ? ".rank-down" : ".rank-up") : again).focus();
      }
    };
    draw(null);
    fieldset.appendChild(holder);
  }

  /* A geopoint: latitude, longitude, altitude and accuracy typed in, or filled from the device's location. */
  function renderGeopoint(fieldset, q, scope, id) {
    var names = { lat: t("Latitude"), lon: t("Longitude"), alt: t("Altitude (m)"), acc: t("Accuracy (m)") };
    var whole = scope.raw[q.id], boxes = {};
    // A whole point stored before (a reopened interview, a default) becomes the boxes' values once one is edited.
    var explode = function () {
      if (whole && typeof whole === "object") {
        Object.keys(boxes).forEach(function (part) { scope.set(q.id + "/" + part, boxes[part].value); });
      }
      scope.set(q.id, null);
      whole = null;
    };
    var box = h("div", { class: "geopoint" });
    ["lat", "lon", "alt", "acc"].forEach(function (part) {
      var key = q.id + "/" + part;
      var value = scope.raw[key] !== undefined ? scope.raw[key] : (whole && typeof whole === "object" && whole[part] !== undefined
        ? String(+whole[part]) : "");
      boxes[part] = h("input", { type: "text", inputmode: "decimal", class: "input input-geo", id: id + "-" + part,
        name: scope.key(key), value: value, oninput: function (event) {
          explode();
          scope.change(key, event.target.value);
        } });
      box.appendChild(h("label", { class: "geo-part", for: id + "-" + part }, names[part], boxes[part]));
    });
    var status = h("p", { class: "muted geo-status", role: "status", "aria-live": "polite" });
    if (navigator.geolocation) {
      box.appendChild(h("button", { type: "button", class: "button geolocate", text: t("Use this device's location"),
        onclick: function () {
          status.textContent = t("Finding the location…");
          navigator.geolocation.getCurrentPosition(function (position) {
            var c = position.coords;
            var parts = { lat: c.latitude.toFixed(6), lon: c.longitude.toFixed(6),
              alt: c.altitude === null ? "" : c.altitude.toFixed(1), acc: c.accuracy.toFixed(1) };
            explode();
            Object.keys(parts).forEach(function (part) {
              boxes[part].value = parts[part];
              scope.set(q.id + "/" + part, parts[part]);
            });
            scope.save();
            status.textContent = "";
          }, function () {
            status.textContent = t("The location is not available: type the coordinates.");
          }, { enableHighAccuracy: true, timeout: 20000 });
        } }));
    }
    box.appendChild(status);
    fieldset.appendChild(box);
  }

  function radios(name, choices, current, onpick) {
    var box = h("div", { class: "choices" });
    choices.forEach(function (c) {
      var special = c.code === "vet_ej" || c.code === "ej_aktuellt";
      box.appendChild(h("label", { class: "choice" + (special ? " choice-special" : "") },
        h("input", { type: "radio", name: name, value: c.code, checked: current === c.code,
          onchange: function () { onpick(c.code); } }),
        h("span", { text: label(c.label, c.code) })));
    });
    return box;
  }

  function updateDerived(block, q, cleaned, full, key) {
    var text = block.querySelector(".derived-text");
    if (q.rule) {
      var broken = q.rule === "check" ? cleaned.warnings.indexOf(key) >= 0 : Boolean(full && full.errors[key]);
      block.hidden = !broken;
      block.className = "question q-derived " + (q.rule === "check" ? "rule-warning" : "rule-error");
      text.textContent = q.rule === "constraint" && full && full.errors[key] ? full.errors[key]
        : label(q.message, label(q.label, q.id));
      return;
    }
    var value = cleaned.derived[key];
    block.hidden = value === undefined;
    text.textContent = label(q.label, q.id) + ": " + shownValue(q.result, value);
  }

  function shownValue(type, value) {
    if (value === undefined || value === null) return "–";
    if (typeof value === "boolean") return value ? t("Yes") : t("No");
    if (window.FieldkitExpr.isNumber(value)) return Answers.formatNumber(value, state.lang);
    return String(value);
  }

  /* An answer as the server's pages write it (forms/display.py format_answer), in the page's language. */
  function shownAnswer(q, value, answers) { return Answers.answerText(q, value, state.lang, answers); }


  function answerList(form, cleaned) {
    var list = h("div", { class: "answers" });
    form.sections.forEach(function (section) {
      var rows = section.questions.filter(function (q) {
        if (Answers.isMetadata(q)) return false;  // recorded, never shown
        return cleaned.answers[q.id] !== undefined || cleaned.derived[q.id] !== undefined && !q.rule;
      });
      if (!rows.length) return;
      list.appendChild(h("h3", { text: label(section.title, section.id) }));
      list.appendChild(h("dl", {}, rows.map(function (q) {
        if (q.type === "repeat") {
          return [h("dt", { text: label(q.label, q.id) }), h("dd", {}, instanceList(q, cleaned))];
        }
        var value = cleaned.answers[q.id] !== undefined ? shownAnswer(q, cleaned.answers[q.id], cleaned.answers)
          : t("Computed") + ": " + shownValue(q.result, cleaned.derived[q.id]);
        return [h("dt", { text: label(q.label, q.id) }), h("dd", { text: value })];
      })));
    });
    return list;
  }

  /* A repeat's instances on the review page: "Person 1" and that instance's answers and derived values. */
  function instanceList(q, cleaned) {
    var instances = cleaned.answers[q.id] || [];
    if (!instances.length) return h("span", { class: "muted", text: t("None added yet.") });
    return h("ol", { class: "instance-answers" }, instances.map(function (own, i) {
      var rows = [];
      q.questions.forEach(function (child) {
        var derivedValue = cleaned.derived[Answers.instanceKey(q.id, i + 1, child.id)];
        if (own[child.id] !== undefined) rows.push(label(child.label, child.id) + ": " + shownAnswer(child, own[child.id], own));
        else if (derivedValue !== undefined && !child.rule) rows.push(label(child.label, child.id) + ": " + shownValue(child.result, derivedValue));
      });
      return h("li", {}, h("strong", { text: Answers.instanceText(q, state.lang, i + 1) }), rows.length ? " – " + rows.join("; ") : "");
    }));
  }

  // -- review, complete, the completed interview ---------------------------------------------

  function reviewPage(id) {
    withInterview(id, function (interview, form) {
      if (interview.status !== "draft") { location.replace("#/i/" + id); return; }
      var cleaned = Answers.clean(form, interview.raw, { lang: state.lang });
      var problems = [], warnings = [], asked = 0, blank = 0;
      form.sections.forEach(function (section) {
        section.questions.forEach(function (q) {
          if (cleaned.errors[q.id]) problems.push([section, q, cleaned.errors[q.id]]);
          if (cleaned.warnings.indexOf(q.id) >= 0) warnings.push([section, q]);
          if (q.type === "repeat") {
            // An instance's error and warning name the instance and the question already.
            Object.keys(cleaned.errors).forEach(function (key) {
              if (key.indexOf(q.id + "[") === 0) problems.push([section, null, cleaned.errors[key]]);
            });
            cleaned.warnings.forEach(function (key) {
              if (key.indexOf(q.id + "[") !== 0) return;
              var child = Answers.index(form).byId[key.replace(/\[\d+\]/, "")];
              var n = +/\[(\d+)\]/.exec(key)[1];
              warnings.push([section, { id: key, label: {} }, Answers.instanceText(q, state.lang, n) + ": " +
                label(child && child.message, label(child && child.label, key))]);
            });
          }
          if (!Answers.answerable(q) || cleaned.skipped.indexOf(q.id) >= 0) return;
          if (q.type === "matrix") {
            asked += q.items.length;
            if (!cleaned.errors[q.id]) blank += q.items.length - Object.keys(cleaned.answers[q.id] || {}).length;
          } else {
            asked += 1;
            if (cleaned.answers[q.id] === undefined && !cleaned.errors[q.id]) blank += 1;
          }
        });
      });
      var link = function (section, q) {
        return "#/i/" + id + "/s/" + section.id;
      };
      var completeButton = h("button", { type: "button", class: "button primary", id: "complete",
        text: t("Complete the interview"), disabled: problems.length > 0, onclick: function () {
          completeButton.disabled = true;
          var final = Answers.clean(form, Answers.record(form, interview.raw, { completed: new Date(),
            username: Storage.ownerOf(interview) }), { lang: state.lang });
          Storage.complete(id, final.answers, null).then(function () {
            location.hash = "#/i/" + id;
          }, function (error) { fail(storageMessage(error)); });
        } });
      show(t("Review and complete"), interviewHead(interview, form), h("h1", { text: t("Review and complete") }),
        problems.length ? h("div", { class: "flash flash-error", role: "alert" },
          h("p", { text: t("Questions that need an answer") }),
          h("ul", {}, problems.map(function (p) {
            return h("li", {}, h("a", { href: link(p[0], p[1]), text: label(p[0].title, p[0].id) + " – " +
              (p[1] && p[1].type !== "repeat" ? label(p[1].label, p[1].id) + ": " : "") + p[2] }));
          }))) : null,
        warnings.length ? h("div", { class: "flash flash-warning" }, h("p", { text: t("Warnings (you can complete anyway)") }),
          h("ul", {}, warnings.map(function (w) {
            return h("li", {}, h("a", { href: link(w[0], w[1]), text: w[2] || label(w[1].message, label(w[1].label, w[1].id)) }));
          }))) : null,
        h("p", { text: blank ? t("%(n)s of %(total)s questions are unanswered.", { n: blank, total: asked }) : t("All questions are answered.") }),
        h("p", { class: "muted", text: t("Questions the answers skip are not shown.") }),
        answerList(form, cleaned),
        h("div", { class: "actions" },
          h("a", { class: "button", href: "#/i/" + id + "/s/" + (interview.section_id || form.sections[0].id), text: t("Previous") }),
          completeButton));
      finish();
    });
  }

  function completedPage(id) {
    withInterview(id, function (interview, form) {
      if (interview.status === "draft") { location.replace("#/i/" + id + "/s/" + interview.section_id); return; }
      Storage.revisionsOf(id).then(function (revisions) {
        var head = revisions[revisions.length - 1];
        var cleaned = Answers.clean(form, head.answers, { lang: state.lang, partial: true });
        show(t("Complete"), interviewHead(interview, form), h("h1", { text: label(form.title, form.id) }),
          h("p", { class: "flash flash-success", role: "status", id: "completed", "data-sent": interview.sent_at ? "1" : "0",
            text: interview.sent_at ? t("The interview is complete; the central acknowledged it %(time)s.", { time: time(interview.sent_at) })
              : t("The interview is complete and saved in this browser. It has not been sent yet.") }),
          h("p", { class: "muted", text: t("Completed %(time)s", { time: time(head.created) }) }),
          h("h2", { text: t("Answers") }), answerList(form, cleaned),
          h("div", { class: "actions" }, h("a", { class: "button", href: "#/", text: t("Back to the start") }),
            h("button", { type: "button", class: "button", id: "reopen", text: t("Reopen for editing"), onclick: function () {
              Storage.reopen(id).then(function (opened) {
                location.hash = "#/i/" + id + "/s/" + (opened.section_id || form.sections[0].id);
              }, function (error) { fail(storageMessage(error)); });
            } })));
        finish();
      });
    });
  }

  // -- routing ---------------------------------------------------------------------------------

  function route() {
    if (!state.ready) return;
    header();
    var parts = (location.hash || "#/").slice(2).split("/").map(decodeURIComponent);
    if (!(parts[0] === "i" && parts[2] === "s" && lock.name === "fieldkit-interview-" + parts[1])) releaseLock();
    if (state.gate === "signin") { signinPage(); return; }
    if (state.gate === "login") { loginPage(); return; }
    if (parts[0] === "i" && parts[1]) {
      if (parts[2] === "s" && parts[3]) sectionPage(parts[1], parts[3]);
      else if (parts[2] === "review") reviewPage(parts[1]);
      else completedPage(parts[1]);
      return;
    }
    startPage();
  }

  function boot() {
    state.lang = localStorage.getItem(LANG_KEY) || body.dataset.lang || "sv";
    if (!LANGUAGES[state.lang]) state.lang = "sv";
    document.documentElement.lang = state.lang;
    window.addEventListener("hashchange", route);
    window.addEventListener("online", backOnline);
    window.addEventListener("offline", header);
    window.addEventListener("pagehide", function (event) {
      releaseLock();
      // Kept in the back-forward cache (after a logout, say): show nothing of this user when it comes back.
      if (event.persisted && central()) main.replaceChildren();
    });
    window.addEventListener("pageshow", function (event) { if (event.persisted) recheck(); });
    // A sign-out in another tab (the app's Logga ut, or any load of the login page) ends this tab's at once.
    window.addEventListener("storage", function (event) { if (event.key === Signin.SIGNED_OUT_KEY) recheck(); });
    Storage.open().then(refresh).then(load).then(knowUser).then(askPersistence).then(measureSpace).then(function () {
      state.ready = true;
      body.dataset.ready = "1";
      route();
    }).catch(function (error) {
      state.ready = true;
      body.dataset.ready = "1";
      fail(storageMessage(error));
    });
  }

  boot();
})();
