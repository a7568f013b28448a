/* Shared by the site's scripts (loaded before them): run a feature's set-up on
   every page load. Material's document$ emits on each load, also with instant
   navigation; without it, wait for the document. */
window.otkbOnPage = function (init) {
  "use strict";
  if (typeof window.document$ !== "undefined") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
};
