/* Install the service worker that keeps the app working offline (a file of its own: the CSP allows no inline script). */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register(document.body.dataset.worker).catch(function (error) {
    document.body.dataset.workerError = String(error);
  });
})();
