/* The evidence map's filters (/research/map/, otkb.site.evidence_map): show the studies of the chosen
   children, age and certainty; a cell left with none says so. Without this script the whole table shows. */
window.otkbOnPage(function () {
  "use strict";
  var form = document.getElementById("otkb-map-filters");
  if (!form || form.dataset.ready) return;
  form.dataset.ready = "1";
  var studies = Array.prototype.slice.call(document.querySelectorAll(".otkb-map__study"));
  var count = document.getElementById("otkb-map-count");
  var total = new Set(studies.map(function (el) { return el.querySelector("a").getAttribute("href"); })).size;

  function fits(el, group, months, certainty) {
    if (group && el.dataset.groups.split(" ").indexOf(group) < 0) return false;
    if (Number(el.dataset.certainty) < certainty) return false;
    if (months !== null && el.dataset.min !== "") {
      if (months < Number(el.dataset.min) || months > Number(el.dataset.max)) return false;
    }
    return true;
  }

  function apply() {
    var group = form.elements.group.value;
    var age = form.elements.age.value.trim();
    var months = age === "" || isNaN(Number(age)) ? null : Math.round(Number(age) * 12);
    var certainty = Number(form.elements.certainty.value);
    var shown = new Set();
    studies.forEach(function (el) {
      var ok = fits(el, group, months, certainty);
      el.hidden = !ok;
      if (ok) shown.add(el.querySelector("a").getAttribute("href"));
    });
    document.querySelectorAll(".otkb-map__none--filtered").forEach(function (note) {
      note.hidden = note.parentNode.querySelector(".otkb-map__study:not([hidden])") !== null;
    });
    count.textContent = shown.size === total ? count.dataset.all
      : "Showing " + shown.size + " of " + total + (total === 1 ? " study" : " studies");
  }

  count.dataset.all = count.textContent;
  form.hidden = false;
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("reset", function () { setTimeout(apply, 0); });
});
