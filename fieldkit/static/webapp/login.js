/* On the central's login page: make the offline app's verifier of the password as the form is sent (signin.js).
 *
 * The verifier is derived before the form goes (a moment of PBKDF2), kept in the tab's sessionStorage as
 * "pending" with a random nonce, and the nonce goes with the form (offline_nonce). The server keeps the
 * nonce in the session only if the login succeeds; the offline app adopts the pending verifier only with that
 * nonce. Whatever an earlier visit left pending is removed first: a login page means that login is over,
 * failed or not. And since logging out lands here, every tab's offline sign-in ends here too, at once
 * (webapp.js hears the storage event).
 * Without WebCrypto the form is sent as it is, and the user cannot sign in offline in this browser.
 */
(function () {
  "use strict";

  var Signin = window.FieldkitSignin;
  if (!Signin) return;
  Signin.clearPending();
  Signin.forget();  // logging out lands here: nobody stays signed in to the offline app in any tab
  var form = document.querySelector("form[data-offline-signin]");
  if (!form || !Signin.available()) return;
  var button = form.querySelector("button[type=submit]");
  var sending = false;
  window.addEventListener("pageshow", function () { sending = false; button.disabled = false; });
  form.addEventListener("submit", function (event) {
    var password = form.elements.password.value;
    if (!password) return;  // the browser's own "required" message
    event.preventDefault();
    if (sending) return;
    sending = true;
    button.disabled = true;
    Signin.stashPending(password).then(function (nonce) {
      form.elements.offline_nonce.value = nonce;
    }, function () {
      form.elements.offline_nonce.value = "";  // no verifier this time; the login itself goes on
    }).then(function () { form.submit(); });
  });
})();
