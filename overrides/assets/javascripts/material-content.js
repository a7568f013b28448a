// Material for MkDocs' (9.8) inline script from partials/javascripts/content.html, moved into a file so that
// the Content-Security-Policy can allow scripts from the site only (overrides/partials/javascripts/).
var target=document.getElementById(location.hash.slice(1));target&&target.name&&(target.checked=target.name.startsWith("__tabbed_"))
