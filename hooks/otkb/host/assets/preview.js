/* otkb's live preview (mkdocs serve only; otkb.host.banner adds it to each page as it is served).
   Reload the page when a rebuild has finished, good or not: the page then shows the new version,
   or the last good one with the problems banner. MkDocs' own script does the same but is written
   inline, which the site's Content-Security-Policy refuses; this is its protocol, from a file. */
(function () {
  "use strict";
  var script = document.currentScript;
  var epoch = Number(script.dataset.epoch);
  var path = "/livereload/" + epoch + "/" + script.dataset.request;
  var request, timeout;

  function poll() {
    request = new XMLHttpRequest();
    request.onloadend = function () {
      if (parseFloat(this.responseText) > epoch) {
        location.reload();
      } else {
        timeout = setTimeout(poll, this.status === 200 ? 0 : 3000);
      }
    };
    request.open("GET", path);
    request.send();
  }

  function stop() {
    if (request) request.abort();
    if (timeout) clearTimeout(timeout);
    request = timeout = undefined;
  }

  function start() {
    stop();
    poll();
  }

  if (document.visibilityState === "visible") {
    if (document.readyState === "complete") start(); else window.addEventListener("load", start);
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") start(); else stop();
  });
  window.addEventListener("beforeunload", stop);
})();
