/* Signing in to the offline app without a connection, on a browser several people share.
 *
 * Online, the central's login decides who uses the app. Offline the app cannot ask the central, so it keeps,
 * per user who logged in online in this browser, a verifier of their password: PBKDF2-SHA256 (WebCrypto) with
 * a random salt and ITERATIONS rounds, never the password itself. Offline the user picks their name and
 * types their password; the app derives the same bits and compares.
 *
 * How a verifier is made without the app ever seeing the login: the login page (login.js) derives it from
 * the password as the form is sent, keeps it in the tab's sessionStorage as "pending" with a random nonce and
 * sends the nonce with the form; the server keeps the nonce in the session only when the login succeeds, and
 * GET /app/enrol returns it. The app adopts a pending verifier only when its nonce is the session's, so a
 * mistyped password (a failed login) never becomes anyone's verifier. Pending lives in the tab only (the login
 * redirects to the app or to a page that links to it in the same tab) and goes when the tab closes, when the
 * app takes it or when a login page loads: a user who never opens the app leaves nothing on disk.
 * The central sends with GET /app/enrol a ticket of the user's current password, kept with the verifier; each
 * time the app reaches the central it asks which tickets still hold (POST /app/signins) and drops the others,
 * so a changed password or a disabled user stops working offline at the next online contact.
 *
 * This guards the app's screens, not the bytes: the interviews in IndexedDB are not encrypted, and someone
 * with the browser's developer tools can read them (docs/sync.md, "Signing in offline").
 * Defines `FieldkitSignin` on the global object; needs nothing else.
 */
(function (root) {
  "use strict";

  /* PBKDF2-HMAC-SHA256 rounds for a new verifier (OWASP's 2023 advice). A stored verifier keeps its own count. */
  var ITERATIONS = 600000;
  var PENDING_KEY = "fieldkit_signin_pending";
  var TAB_KEY = "fieldkit_signed_in";
  /* Wrong passwords that cost nothing more; after these, a wait that doubles with each one, up to MAX_WAIT. */
  var THROTTLE = { free: 3, wait: 30, maxWait: 900 };

  var encoder = new TextEncoder();

  function hex(bytes) {
    return Array.from(new Uint8Array(bytes), function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
  }

  function unhex(text) {
    var bytes = new Uint8Array(text.length / 2);
    for (var i = 0; i < bytes.length; i++) bytes[i] = parseInt(text.substr(2 * i, 2), 16);
    return bytes;
  }

  function available() { return Boolean(root.crypto && root.crypto.subtle && root.sessionStorage && root.localStorage); }

  /* 256 bits of PBKDF2-SHA256 of the password, as hex. */
  function derive(password, saltHex, iterations) {
    var subtle = root.crypto.subtle;
    return subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, ["deriveBits"]).then(function (key) {
      return subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: unhex(saltHex), iterations: iterations }, key, 256);
    }).then(hex);
  }

  /* A new verifier of `password`: {algorithm, iterations, salt, hash}, with a random 16-byte salt. */
  function makeVerifier(password, iterations) {
    var salt = hex(root.crypto.getRandomValues(new Uint8Array(16)));
    var rounds = iterations || ITERATIONS;
    return derive(password, salt, rounds).then(function (hash) {
      return { algorithm: "PBKDF2-SHA256", iterations: rounds, salt: salt, hash: hash };
    });
  }

  /* Whether `password` is the one `verifier` was made from; compares every character, whatever differs first. */
  function check(verifier, password) {
    if (!verifier || verifier.algorithm !== "PBKDF2-SHA256" || !password) return Promise.resolve(false);
    return derive(password, verifier.salt, verifier.iterations).then(function (hash) {
      if (hash.length !== verifier.hash.length) return false;
      var differ = 0;
      for (var i = 0; i < hash.length; i++) differ |= hash.charCodeAt(i) ^ verifier.hash.charCodeAt(i);
      return differ === 0;
    });
  }

  // -- the login page's pending verifier ----------------------------------------------------------

  /* Make a verifier of the password being sent with the login form; resolves to the nonce the form must carry. */
  function stashPending(password) {
    return makeVerifier(password).then(function (verifier) {
      var nonce = hex(root.crypto.getRandomValues(new Uint8Array(16)));
      root.sessionStorage.setItem(PENDING_KEY, JSON.stringify({ nonce: nonce, verifier: verifier }));
      return nonce;
    });
  }

  function clearPending() {
    try {
      root.sessionStorage.removeItem(PENDING_KEY);
      root.localStorage.removeItem(PENDING_KEY);  // where a pending verifier was kept before: never left behind
    } catch (e) { /* storage refused: nothing kept */ }
  }

  /* The pending verifier if the central vouched for its nonce (the login it came with succeeded); it is removed. */
  function takePending(nonce) {
    var pending;
    try { pending = JSON.parse(root.sessionStorage.getItem(PENDING_KEY) || "null"); } catch (e) { pending = null; }
    if (!pending || !nonce || pending.nonce !== nonce) return null;
    clearPending();
    return pending.verifier;
  }

  // -- throttling wrong passwords ------------------------------------------------------------------

  /* Seconds left to wait before the next try, after `failures` ({count, last}) at `now` (ms). */
  function waitLeft(failures, now) {
    if (!failures || failures.count < THROTTLE.free) return 0;
    var wait = Math.min(THROTTLE.wait * Math.pow(2, failures.count - THROTTLE.free), THROTTLE.maxWait);
    return Math.max(0, Math.ceil((Date.parse(failures.last) + wait * 1000 - now) / 1000));
  }

  /* The failures after one more wrong password. */
  function failed(failures, now) {
    return { count: ((failures && failures.count) || 0) + 1, last: new Date(now).toISOString() };
  }

  // -- who is signed in, in this tab ---------------------------------------------------------------

  var SIGNED_OUT_KEY = "fieldkit_signed_out";

  /* Remember in this tab (sessionStorage: gone when the tab closes) that `user` signed in, for `hours` at most. */
  function remember(user, hours) {
    try {
      root.sessionStorage.setItem(TAB_KEY, JSON.stringify({ user: user, at: Date.now(), until: Date.now() + hours * 3600 * 1000 }));
    } catch (e) { /* not remembered: the next load asks again */ }
  }

  /* The user signed in in this tab, unless that ran out or anyone signed out in this browser since. */
  function remembered() {
    var kept, out;
    try {
      kept = JSON.parse(root.sessionStorage.getItem(TAB_KEY) || "null");
      out = Number(root.localStorage.getItem(SIGNED_OUT_KEY) || 0);
    } catch (e) { kept = null; }
    return kept && kept.user && kept.until > Date.now() && kept.at > out ? kept.user : null;
  }

  /* Sign out: this tab forgets, and every other tab's sign-in before now no longer counts (localStorage is shared
   * by the browser's tabs; sessionStorage is not, and a restored tab gets its sessionStorage back). */
  function forget() {
    try {
      root.sessionStorage.removeItem(TAB_KEY);
      root.localStorage.setItem(SIGNED_OUT_KEY, String(Date.now()));
    } catch (e) { /* nothing kept */ }
  }

  root.FieldkitSignin = {
    ITERATIONS: ITERATIONS, THROTTLE: THROTTLE, SIGNED_OUT_KEY: SIGNED_OUT_KEY, available: available, makeVerifier: makeVerifier, check: check,
    stashPending: stashPending, clearPending: clearPending, takePending: takePending, waitLeft: waitLeft,
    failed: failed, remember: remember, remembered: remembered, forget: forget
  };
})(typeof self !== "undefined" ? self : this);
