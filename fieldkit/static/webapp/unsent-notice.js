/* On the login page (where logging out lands): say that the offline app's unsent interviews are still in this browser.
 *
 * Logging out ends the session on the server and deletes nothing in the browser; the interviews stay in
 * IndexedDB ("fieldkit-offline", see storage.js) until the central acknowledges them. This script only
 * reads: it opens the database if it exists (never creating it), counts the interviews not yet sent and
 * fills the hidden #unsent-notice paragraph, whose text the page brings in its data-text attribute.
 */
(function () {
  "use strict";

  var notice = document.getElementById("unsent-notice");
  if (!notice || !window.indexedDB || !indexedDB.databases) return;
  indexedDB.databases().then(function (found) {
    if (!found.some(function (db) { return db.name === "fieldkit-offline"; })) return;
    var request = indexedDB.open("fieldkit-offline");
    request.onsuccess = function () {
      var db = request.result;
      if (!db.objectStoreNames.contains("interviews")) { db.close(); return; }
      var all = db.transaction(["interviews"], "readonly").objectStore("interviews").getAll();
      all.onsuccess = function () {
        db.close();
        var waiting = all.result.filter(function (row) { return !row.sent_at; }).length;
        if (!waiting) return;
        notice.textContent = notice.dataset.text.replace("%(n)s", String(waiting));
        notice.dataset.unsent = String(waiting);
        notice.hidden = false;
      };
    };
  }).catch(function () { /* nothing to say */ });
})();
