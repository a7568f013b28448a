/* Audience switch on research cards: show the takeaways for parents, for
   therapists, or both, and remember the choice on this device. Without
   JavaScript, and always on paper, both are shown (see otkb.css). */
(function () {
  "use strict";

  var KEY = "otkb-audience";
  var CHOICES = ["parents", "therapists", "both"];

  function remembered() {
    try {
      var value = window.localStorage.getItem(KEY);
      return CHOICES.indexOf(value) >= 0 ? value : "both";
    } catch (error) {
      return "both"; /* storage blocked: the switch still works for this page */
    }
  }

  function remember(value) {
    try { window.localStorage.setItem(KEY, value); } catch (error) { /* not kept */ }
  }

  function init() {
    var box = document.querySelector(".otkb-audience");
    var takeaways = document.querySelector(".otkb-takeaways");
    if (!box || !takeaways || box.dataset.ready) return;
    box.dataset.ready = "true";
    var choice = remembered();
    box.querySelector('input[value="' + choice + '"]').checked = true;
    takeaways.setAttribute("data-audience", choice);
    box.hidden = false;
    box.addEventListener("change", function (event) {
      takeaways.setAttribute("data-audience", event.target.value);
      remember(event.target.value);
    });
  }

  window.otkbOnPage(init);
})();
