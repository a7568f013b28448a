/* Activity finder on /activities/: filters the activity cards by the data the
   build wrote on them (data-age-min, data-skills, ...), keeps the filters in
   the address so a link or a reload shows the same list, and says how many
   activities match in a live region. Without JavaScript the form stays hidden
   and every activity is listed. */
(function () {
  "use strict";

  var FIELDS = ["age", "skill", "setting", "time", "material"];

  /* "18m" -> 18, "4y" or "4" -> 48 (a bare number means years, as in the records). */
  function ageInMonths(value) {
    var match = /^(\d{1,3})(m|y)?$/.exec(value || "");
    if (!match) return null;
    return match[2] === "m" ? Number(match[1]) : Number(match[1]) * 12;
  }

  function words(text) {
    return (text || "").split(/\s+/).filter(Boolean);
  }

  function matches(card, filters) {
    var data = card.dataset;
    var age = ageInMonths(filters.age);
    if (age !== null && (age < Number(data.ageMin) || age > Number(data.ageMax))) return false;
    if (filters.skill && words(data.skills).indexOf(filters.skill) < 0) return false;
    if (filters.setting && words(data.setting).indexOf(filters.setting) < 0) return false;
    if (filters.time && !(data.minutes && Number(data.minutes) <= Number(filters.time))) return false;
    var material = filters.material.trim().toLowerCase();
    if (material && (data.materials || "").indexOf(material) < 0) return false;
    return true;
  }

  function readForm(form) {
    var filters = {};
    FIELDS.forEach(function (name) { filters[name] = form.elements[name].value; });
    return filters;
  }

  /* Set each control from the address; a value the form does not offer is ignored. */
  function fillForm(form, params) {
    FIELDS.forEach(function (name) {
      var control = form.elements[name];
      var value = params.get(name) || "";
      if (control.tagName === "SELECT") {
        if (name === "age" && value && ageInMonths(value) !== null) {
          var months = ageInMonths(value);
          value = months % 12 === 0 ? months / 12 + "y" : months + "m";
        }
        var offered = Array.prototype.some.call(control.options, function (o) { return o.value === value; });
        control.value = offered ? value : "";
      } else {
        control.value = value;
      }
    });
  }

  function writeAddress(filters) {
    var params = new URLSearchParams();
    FIELDS.forEach(function (name) {
      var value = filters[name].trim();
      if (value) params.set(name, value);
    });
    var query = params.toString();
    var address = location.pathname + (query ? "?" + query : "") + location.hash;
    history.replaceState(history.state, "", address);
  }

  function countText(shown, total) {
    var noun = function (n) { return n === 1 ? "activity" : "activities"; };
    if (shown === total) return "Showing all " + total + " " + noun(total);
    if (shown === 0) return "No activity matches these filters. Try removing one, or clear them all.";
    return "Showing " + shown + " of " + total + " " + noun(total);
  }

  /* With an age chosen, a link to its milestones: that age's checklist, or the latest one before it. */
  function showMilestones(age) {
    var box = document.getElementById("otkb-finder-milestones");
    if (!box) return;
    var months = ageInMonths(age), best = null;
    var links = Array.prototype.slice.call(box.querySelectorAll("a[data-age]"));
    links.forEach(function (link) { if (months !== null && Number(link.dataset.age) <= months) best = link; });
    if (best && months > Number(links[links.length - 1].dataset.age)) best = null;
    links.forEach(function (link) { link.hidden = link !== best; });
    box.hidden = !best;
  }

  function init() {
    var form = document.getElementById("otkb-finder");
    if (!form || form.dataset.ready) return;
    form.dataset.ready = "true";
    var cards = Array.prototype.slice.call(document.querySelectorAll(".otkb-card[data-age-min]"));
    var status = document.getElementById("otkb-count");
    var pending = null;

    function apply(announceNow) {
      var filters = readForm(form);
      var shown = 0;
      cards.forEach(function (card) {
        var visible = matches(card, filters);
        card.hidden = !visible;
        if (visible) shown += 1;
      });
      writeAddress(filters);
      showMilestones(filters.age);
      /* Typing in the text box changes the count at every key; announce once typing pauses. */
      clearTimeout(pending);
      var update = function () { status.textContent = countText(shown, cards.length); };
      if (announceNow) update(); else pending = setTimeout(update, 400);
    }

    fillForm(form, new URLSearchParams(location.search));
    form.hidden = false;
    apply(true);
    form.addEventListener("change", function () { apply(true); });
    form.addEventListener("input", function (event) { apply(event.target.tagName === "SELECT"); });
    form.addEventListener("submit", function (event) { event.preventDefault(); apply(true); });
    form.addEventListener("reset", function () { setTimeout(function () { apply(true); }, 0); });
  }

  window.otkbOnPage(init);
})();
