/* Say that the offline app's unsent interviews are still in this browser: on the login page without saying
 * whose, and on a logged-in user's start page only what is theirs.
 *
 * Logging out ends the session on the server and deletes nothing in the browser; the interviews stay in
 * IndexedDB ("fieldkit-offline", see storage.js) until the central acknowledges them. This script only
 * reads: it opens the database if it exists (never creating it), and fills the hidden #unsent-notice
 * paragraph with one of the texts the page brings in its data attributes:
 * - without data-user (the login page: nobody is known yet) only how many users have unsent interviews,
 *   data-one or data-many; never a name, a count of interviews or anything they are about;
 * - with data-user (the logged-in user) how many of that user's interviews wait, data-mine.
 */
(function () {
  "use strict";

  var notice = document.getElementById("unsent-notice");
  if (!notice || !window.indexedDB || !indexedDB.databases) return;

  /* As storage.js ownerOf: an interview's `user`, or for one stored before interviews had owners its interviewer. */
  function ownerOf(row) { return row.user !== undefined ? row.user : (row.interviewer || null); }

  function say(text, n) {
    (notice.querySelector(".notice-text") || notice).textContent = text.replace("%(n)s", String(n));
    notice.dataset.unsent = String(n);
    notice.hidden = false;
  }

  function tell(rows) {
    var waiting = rows.filter(function (row) { return !row.sent_at; });
    var user = notice.dataset.user;
    if (user) {
      var mine = waiting.filter(function (row) { return ownerOf(row) === user; }).length;
      if (mine) say(notice.dataset.mine, mine);
      return;
    }
    var owners = {};
    waiting.forEach(function (row) { owners[JSON.stringify(ownerOf(row))] = true; });
    var users = Object.keys(owners).length;
    if (users) say(users === 1 ? notice.dataset.one : notice.dataset.many, users);
  }

  indexedDB.databases().then(function (found) {
    if (!found.some(function (db) { return db.name === "fieldkit-offline"; })) return;
    var request = indexedDB.open("fieldkit-offline");
    request.onsuccess = function () {
      var db = request.result;
      if (!db.objectStoreNames.contains("interviews")) { db.close(); return; }
      var all = db.transaction(["interviews"], "readonly").objectStore("interviews").getAll();
      all.onsuccess = function () {
        db.close();
        tell(all.result);
      };
    };
  }).catch(function () { /* nothing to say */ });
})();
