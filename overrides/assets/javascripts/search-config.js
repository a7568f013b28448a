// Search: Material's search box and results, answered by our worker (search-worker.js), which speaks
// Material's worker protocol but builds no lunr index in the browser (why in otkb/site/search.py).
// Material reads the worker's address from #__config when its bundle starts; the address comes from
// this script element's data-worker (overrides/main.html). A file, not an inline script, so that the
// Content-Security-Policy allows scripts from the site only.
(function (element, worker) {
  var config = JSON.parse(element.textContent);
  config.search = worker;
  element.textContent = JSON.stringify(config);
})(document.getElementById("__config"), document.currentScript.getAttribute("data-worker"));
