/* My child's checklist, on a milestone page (loaded there only: overrides/main.html).
   The milestones are real checkboxes in the page; this keeps the ticks in this browser's
   localStorage, under the page's record id, and nowhere else: it makes no request. It fills the
   summary (what is not ticked yet, the page's advice, activities for those skill areas), puts
   today's date on the printout, and clears the ticks on request. Every text it writes is set with
   textContent. Without JavaScript the checkboxes still tick and print, and the tools stay hidden. */
(function () {
  "use strict";

  var PREFIX = "otkb-checklist:";

  function load(id) {
    try {
      var saved = JSON.parse(window.localStorage.getItem(PREFIX + id) || "null");
      return saved && Array.isArray(saved.seen) ? saved.seen : [];
    } catch (error) {
      return [];
    }
  }

  /* false when the browser keeps nothing (storage blocked or full) */
  function save(id, seen) {
    try {
      if (seen.length) window.localStorage.setItem(PREFIX + id, JSON.stringify({ seen: seen }));
      else window.localStorage.removeItem(PREFIX + id);
      return true;
    } catch (error) {
      return false;
    }
  }

  function today() {
    return new Date().toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" });
  }

  function show(element, shown) {
    if (element) element.hidden = !shown;
  }

  function labelOf(box) {
    return box.closest("label").querySelector(".otkb-checklist__text").textContent;
  }

  /* The summary: how many are ticked, what is not yet (with the page's advice), and the activities
     for each skill area that has something not ticked. */
  function fillSummary(summary, boxes) {
    var notYet = boxes.filter(function (box) { return !box.checked; });
    summary.querySelector(".otkb-summary__count").textContent =
      "You have ticked " + (boxes.length - notYet.length) + " of the " + boxes.length + " milestones on this page.";
    var list = summary.querySelector(".otkb-summary__list");
    list.textContent = "";
    notYet.forEach(function (box) {
      var item = document.createElement("li");
      item.textContent = labelOf(box);
      list.appendChild(item);
    });
    show(summary.querySelector(".otkb-summary__not-yet"), notYet.length > 0);
    show(summary.querySelector(".otkb-summary__all"), notYet.length === 0);
    var areas = notYet.map(function (box) { return box.dataset.area; });
    var suggested = 0;
    summary.querySelectorAll(".otkb-summary__area").forEach(function (area) {
      var open = areas.indexOf(area.dataset.area) >= 0;
      show(area, open);
      suggested += open ? 1 : 0;
    });
    show(summary.querySelector(".otkb-summary__activities"), suggested > 0);
  }

  function init() {
    var tools = document.querySelector(".otkb-checklist-tools[data-checklist]");
    var summary = document.querySelector(".otkb-summary");
    if (!tools || !summary || tools.dataset.ready) return;
    tools.dataset.ready = "true";
    var id = tools.dataset.checklist;
    var boxes = Array.prototype.slice.call(document.querySelectorAll(".otkb-checklist input[type=checkbox]"));
    var status = tools.querySelector(".otkb-checklist-tools__status");
    var dateValue = document.querySelector(".otkb-checklist-date__value");
    function dated() { dateValue.textContent = today(); }

    var seen = load(id);
    boxes.forEach(function (box) { box.checked = seen.indexOf(box.value) >= 0; });
    document.querySelectorAll(".otkb-checklist").forEach(function (list) {
      list.addEventListener("change", function () {
        var ticked = boxes.filter(function (box) { return box.checked; }).map(function (box) { return box.value; });
        status.textContent = save(id, ticked) ? ""
          : "This browser is not keeping your ticks: they will be gone when you leave the page. You can still print them.";
        fillSummary(summary, boxes);
      });
    });
    tools.querySelector("[data-checklist-clear]").addEventListener("click", function () {
      boxes.forEach(function (box) { box.checked = false; });
      save(id, []);
      fillSummary(summary, boxes);
      status.textContent = "Your ticks on this page are cleared.";
    });
    tools.querySelector("[data-checklist-print]").addEventListener("click", function () { dated(); window.print(); });
    window.addEventListener("beforeprint", dated);  /* the browser's own Print too, on any day */

    dated();
    fillSummary(summary, boxes);
    tools.hidden = false;
    summary.hidden = false;
  }

  window.otkbOnPage(init);
})();
