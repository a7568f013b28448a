/* The 404 page (overrides/404.html): prefill the search box with the words of the missing address,
   /activities/peg-game/ -> "peg game". A file, not an inline script, for the Content-Security-Policy. */
(function () {
  var words = location.pathname.split("/").filter(Boolean).pop() || "";
  try { words = decodeURIComponent(words); } catch (e) { /* a malformed %-escape: keep it as typed */ }
  words = words.replace(/\.html?$/i, "").replace(/[-_.+]+/g, " ").trim();
  if (words && words !== "404") document.getElementById("otkb-notfound-q").value = words;
})();
