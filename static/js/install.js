// Ruche as an app: the service worker (/sw.js) keeps the static files and the offline page.
(() => {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("/sw.js");

  // A boosted link followed without a connection fails inside htmx, and the page would stay
  // as it was: it becomes a real navigation, which the worker answers with the offline page.
  document.addEventListener("htmx:error", (event) => {
    const request = event.detail.ctx?.request;
    if (request?.method === "GET" && event.detail.ctx.sourceElement?.matches?.("a[href]") && !navigator.onLine) {
      location.assign(request.action);
    }
  });
})();
