/* Activity finder on /activities/. The page carries the form and the first
   cards; the script fetches every activity's data (finder.json, built from the
   records by otkb.site.finder) and filters all of them, showing the matches a
   batch at a time as cards it builds with textContent. The materials
   (finder-materials.json) are fetched only when a visitor filters by one.
   The filters live in the address, so a link or a reload shows the same
   list, and a live region says how many activities match. Without
   JavaScript the form stays hidden and the listing goes page by page.
   With it, the form shows from the first paint (tools.css), before the
   data arrives: the address's filters are set at once, and a choice made
   meanwhile is applied when the data is here. */
(function () {
  "use strict";

  var FIELDS = ["age", "skill", "setting", "time", "material"];
  var MAX_MONTHS = 18 * 12;
  var BATCH = 50;
  /* Positions in each activity's array in finder.json (see otkb.site.finder.finder_index). */
  var SLUG = 0, TITLE = 1, MIN = 2, MAX = 3, AGES = 4, SKILLS = 5, SETTINGS = 6, MINUTES = 7, DURATION = 8, EVIDENCE = 9;

  /* "7m" -> 7, "4y" or "4" -> 48 (a bare number means years, as in the records); null beyond 18 years. */
  function ageInMonths(value) {
    var match = /^(\d{1,3})(m|y)?$/.exec(value || "");
    if (!match) return null;
    var months = match[2] === "m" ? Number(match[1]) : Number(match[1]) * 12;
    return months <= MAX_MONTHS ? months : null;
  }

  function ageValue(months) {
    return months % 12 === 0 && months ? months / 12 + "y" : months + "m";
  }

  function noun(n) { return n === 1 ? "activity" : "activities"; }

  function number(n) { return n.toLocaleString("en-GB"); }

  function readForm(form) {
    var filters = {};
    FIELDS.forEach(function (name) { filters[name] = form.elements[name].value.trim(); });
    return filters;
  }

  /* An age the menu does not list (30 months, say) gets an option of its own, in order. */
  function offerAge(select, months) {
    var value = ageValue(months);
    var options = Array.prototype.slice.call(select.options, 1);
    if (options.some(function (o) { return o.value === value; })) return value;
    var option = new Option(months + " months", value);
    var after = options.filter(function (o) { return ageInMonths(o.value) < months; }).pop();
    select.insertBefore(option, after ? after.nextSibling : select.options[1]);
    return value;
  }

  /* Set each control from the address; a value the form cannot use is dropped. */
  function fillForm(form, params) {
    FIELDS.forEach(function (name) {
      var control = form.elements[name];
      var value = params.get(name) || "";
      if (name === "age") {
        var months = ageInMonths(value);
        value = months === null ? "" : offerAge(control, months);
      }
      if (control.tagName === "SELECT") {
        var offered = Array.prototype.some.call(control.options, function (o) { return o.value === value; });
        value = offered ? value : "";
      }
      control.value = value;
    });
  }

  function writeAddress(filters) {
    var params = new URLSearchParams();
    FIELDS.forEach(function (name) {
      if (filters[name]) params.set(name, filters[name]);
    });
    var query = params.toString();
    history.replaceState(history.state, "", location.pathname + (query ? "?" + query : "") + location.hash);
  }

  function fetchJson(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) throw new Error(url + ": " + response.status);
      return response.json();
    });
  }

  /* The index as columns of numbers, so a filter change is a tight loop over 8,000 entries. */
  function Index(data) {
    var rows = data.activities;
    this.rows = rows;
    this.skills = data.skills;
    this.settings = data.settings;
    this.materials = null;
    this.min = new Int16Array(rows.length);
    this.max = new Int16Array(rows.length);
    this.bits = new Uint8Array(rows.length);
    this.minutes = new Int16Array(rows.length);
    for (var i = 0; i < rows.length; i++) {
      this.min[i] = rows[i][MIN];
      this.max[i] = rows[i][MAX];
      this.bits[i] = rows[i][SETTINGS];
      this.minutes[i] = rows[i][MINUTES] === null ? -1 : rows[i][MINUTES];
    }
  }

  /* The filters as numbers; `age` may be left out (to find the nearest ages that have activities). */
  Index.prototype.test = function (filters, withoutAge) {
    var age = withoutAge ? null : ageInMonths(filters.age);
    var skill = filters.skill ? this.skills.indexOf(filters.skill) : -1;
    var bit = filters.setting ? 1 << this.settings.indexOf(filters.setting) : 0;
    var time = filters.time ? Number(filters.time) : 0;
    var material = filters.material.toLowerCase();
    var self = this;
    return function (i) {
      if (age !== null && (age < self.min[i] || age > self.max[i])) return false;
      if (skill >= 0 && self.rows[i][SKILLS].indexOf(skill) < 0) return false;
      if (bit && !(self.bits[i] & bit)) return false;
      if (time && !(self.minutes[i] >= 0 && self.minutes[i] <= time)) return false;
      if (material && self.materials[i].indexOf(material) < 0) return false;
      return true;
    };
  };

  Index.prototype.matching = function (filters) {
    var test = this.test(filters), found = [];
    for (var i = 0; i < this.rows.length; i++) if (test(i)) found.push(i);
    return found;
  };

  /* The ages on the menu nearest below and above `months` that some activity fits, with the other filters. */
  Index.prototype.nearestAges = function (filters, options) {
    var test = this.test(filters, true), self = this, below = null, above = null;
    var months = ageInMonths(filters.age);
    options.forEach(function (option) {
      var m = ageInMonths(option.value);
      if (m === null || m === months) return;
      for (var i = 0; i < self.rows.length; i++) {
        if (m >= self.min[i] && m <= self.max[i] && test(i)) {
          if (m < months) below = option;
          else if (!above) above = option;
          return;
        }
      }
    });
    return [below, above].filter(Boolean);
  };

  function card(row, settingNames) {
    var article = document.createElement("article");
    article.className = "otkb-card otkb-card--activities";
    var title = article.appendChild(document.createElement("h2"));
    title.className = "otkb-card__title";
    var link = title.appendChild(document.createElement("a"));
    link.href = encodeURIComponent(row[SLUG]) + "/";
    link.textContent = row[TITLE];
    var meta = article.appendChild(document.createElement("p"));
    meta.className = "otkb-card__meta";
    var evidence = row[EVIDENCE]; /* [what the strongest study found, colour, level · certainty · who] */
    if (evidence) {
      var badge = meta.appendChild(document.createElement("span"));
      badge.className = "otkb-badge otkb-badge--" + (/^[a-z0-9-]+$/.test(evidence[1]) ? evidence[1] : "neutral");
      badge.textContent = evidence[0];
      var detail = meta.appendChild(document.createElement("span"));
      detail.className = "otkb-card__evidence";
      detail.textContent = evidence[2];
    }
    var settings = row[SETTINGS], names = [];
    settingNames.forEach(function (name, bit) {
      if (settings & (1 << bit)) names.push(name);
    });
    var where = names.join(", ");
    [ "Ages " + row[AGES], row[DURATION], where && where.charAt(0).toUpperCase() + where.slice(1)]
      .forEach(function (text) {
        if (text) meta.appendChild(document.createElement("span")).textContent = text;
      });
    return article;
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
    if (!form || form.dataset.state) return;
    form.dataset.state = "loading"; /* "ready" once the list answers the filters (the tests wait for it) */
    var status = document.getElementById("otkb-count");
    var pageStatus = status.textContent; /* what the page's own cards are: "800 activities. Starting with A: 1 to 12 on this page." */
    var listing = document.querySelector(".otkb-cards:not(#otkb-finder-results)");
    var pages = document.querySelectorAll(".otkb-pager, .otkb-letters"); /* for visitors without JavaScript */
    var results = document.getElementById("otkb-finder-results");
    var more = document.getElementById("otkb-finder-more");
    var nearest = document.getElementById("otkb-finder-nearest");
    var ageSelect = form.elements.age;
    var index = null, found = [], shownCount = 0, pending = null, loadingMaterials = null;

    function showMore(focus) {
      var end = Math.min(found.length, shownCount + BATCH);
      var fragment = document.createDocumentFragment();
      for (var i = shownCount; i < end; i++) fragment.appendChild(card(index.rows[found[i]], index.settings));
      var first = fragment.firstChild;
      results.appendChild(fragment);
      shownCount = end;
      more.textContent = "Show " + Math.min(BATCH, found.length - end) + " more";
      more.parentNode.hidden = end >= found.length;
      if (focus && first) first.querySelector("a").focus();
    }

    function offerNearest(filters) {
      nearest.textContent = "";
      var options = filters.age ? index.nearestAges(filters, Array.prototype.slice.call(ageSelect.options, 1)) : [];
      nearest.hidden = !options.length;
      if (!options.length) return;
      nearest.appendChild(document.createElement("span")).textContent =
        options.length > 1 ? "Nearest ages with activities:" : "Nearest age with activities:";
      options.forEach(function (option) {
        var button = nearest.appendChild(document.createElement("button"));
        button.type = "button";
        button.textContent = option.text;
        button.addEventListener("click", function () {
          ageSelect.value = option.value;
          apply(true);
          ageSelect.focus();
        });
      });
    }

    function statusText(filters, count) {
      var total = index.rows.length;
      if (count) {
        return count === total ? "Showing all " + number(total) + " " + noun(total)
          : "Showing " + number(count) + " of " + number(total) + " " + noun(total);
      }
      var months = ageInMonths(filters.age);
      if (months !== null && !index.matching({age: filters.age, skill: "", setting: "", time: "", material: ""}).length) {
        return "No activities for " + ageSelect.options[ageSelect.selectedIndex].text + " yet.";
      }
      return "No activity matches these filters. Try removing one, or clear them all.";
    }

    function apply(announceNow) {
      var filters = readForm(form);
      writeAddress(filters);
      showMilestones(filters.age);
      if (filters.material && !index.materials) {
        form.dataset.state = "loading";
        loadingMaterials = loadingMaterials || fetchJson(form.dataset.materials).then(function (data) {
          index.materials = data.materials;
          apply(true);
        }, failed);
        return;
      }
      var filtering = FIELDS.some(function (name) { return filters[name]; });
      found = filtering ? index.matching(filters) : [];
      listing.hidden = filtering;
      Array.prototype.forEach.call(pages, function (nav) { nav.hidden = filtering; });
      results.hidden = !filtering;
      results.textContent = "";
      shownCount = 0;
      if (filtering) showMore(false); else more.parentNode.hidden = true;
      var count = filtering ? found.length : index.rows.length;
      if (count) nearest.hidden = true; else offerNearest(filters);
      /* Typing in the text box changes the count at every key; announce once typing pauses. */
      clearTimeout(pending);
      var text = filtering ? statusText(filters, count) : pageStatus;
      var update = function () { status.textContent = text; };
      if (announceNow) update(); else pending = setTimeout(update, 400);
      form.dataset.state = "ready";
    }

    function failed() {
      status.textContent = "The finder could not load its data: the list below shows every activity, page by page.";
      form.dataset.state = "failed";
      form.hidden = true;
    }

    /* The form is on screen before the data arrives: a change made meanwhile is applied on arrival. */
    function changed(announceNow) {
      if (index) apply(announceNow);
    }

    /* The address's filters at once (a choice made before the script ran stands if the address has none). */
    var params = new URLSearchParams(location.search);
    if (FIELDS.some(function (name) { return params.has(name); })) fillForm(form, params);

    form.addEventListener("change", function () { changed(true); });
    form.addEventListener("input", function (event) {
      if (event.target.tagName !== "SELECT") changed(false);
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); changed(true); });
    form.addEventListener("reset", function () { setTimeout(function () { changed(true); }, 0); });
    more.addEventListener("click", function () { showMore(true); });

    fetchJson(form.dataset.index).then(function (data) {
      index = new Index(data);
      form.hidden = false;
      apply(true);
    }, failed);
  }

  window.otkbOnPage(init);
})();
