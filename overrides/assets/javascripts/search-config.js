// Search: Material's search box and results, answered by our worker (search-worker.js), which speaks
// Material's worker protocol but builds no lunr index in the browser (why in otkb/site/search.py).
// Material reads the worker's address from #__config when its bundle starts; the address comes from
// this script element's data-worker (overrides/main.html). A file, not an inline script, so that the
// Content-Security-Policy allows scripts from the site only.
//
// The worker's answer may carry a note besides the results (that no page has every word, or any;
// what the site covers and where to look instead). Material shows only results, so the worker is
// watched here, as Material starts it, and the note is drawn above the results, as text: the query
// and the words in it are set with textContent, never as HTML.
(function (element, worker) {
  "use strict";
  var config = JSON.parse(element.textContent);
  config.search = worker;
  element.textContent = JSON.stringify(config);

  function link(location, text) {
    var a = document.createElement("a");
    a.href = new URL(location, new URL(config.base.replace(/\/?$/, "/"), document.baseURI)).href;
    a.textContent = text;
    return a;
  }

  function paragraph(parts, className) {
    var p = document.createElement("p");
    if (className) {
      p.className = className;
    }
    parts.forEach(function (part) {
      p.append(part);
    });
    return p;
  }

  function quoted(text) {
    return "\u201c" + text + "\u201d";
  }

  function scopeNote(scope) {
    var parts = ["This site covers movement, hand skills and self-care, not everything about " +
      scope.words.map(quoted).join(" or ") + ". "];
    if (scope.checklist) {
      var cdc = document.createElement("a");
      cdc.href = scope.checklist;
      cdc.textContent = "CDC's full milestone checklist for this age";
      parts.push("For the rest of a child's development, such as talking, playing, learning and behaviour, see ",
                 cdc, " and our ",
                 link(scope.milestone[0], scope.milestone[1]), " page.");
    } else if (scope.milestones) {
      parts.push("Our ", link(scope.milestones, "milestones by age"),
                 " link each age's full CDC checklist, which covers talking, playing, learning and behaviour too.");
    }
    parts.push(" If you are worried, talk to your child's doctor.");
    return paragraph(parts, "otkb-search-note__scope");
  }

  function drawNote(note) {
    var result = document.querySelector(".md-search-result");
    if (!result) {
      return;
    }
    var old = result.querySelector(".otkb-search-note");
    if (old) {
      old.remove();
    }
    if (!note || !(note.partial || note.none || note.scope)) {
      return;
    }
    var box = document.createElement("div");
    box.className = "otkb-search-note";
    if (note.partial) {
      box.classList.add("otkb-search-note--partial");
      var pages = note.partial.pages;
      box.append(paragraph(["No page has every word of " + quoted(note.query) + ". " +
        (pages === 1 ? "1 page has some of them:" : pages + " pages have some of them, the most words first:")]));
    }
    if (note.none) {
      box.append(paragraph(["Nothing on this site matches " + quoted(note.query) +
        ". Try fewer or other words, or the ", link(note.none.finder[0], note.none.finder[1]),
        ", which finds activities by age, skill and time."]));
    }
    if (note.scope) {
      box.append(scopeNote(note.scope));
    }
    result.insertBefore(box, result.querySelector(".md-search-result__list"));
  }

  var NativeWorker = window.Worker;
  if (!NativeWorker) {
    return;
  }
  window.Worker = function (url, options) {
    var started = new NativeWorker(url, options);
    if (String(url) === worker) {
      started.addEventListener("message", function (event) {
        if (event.data && event.data.type === 3) {  // RESULT
          drawNote(event.data.data.note);
        }
      });
    }
    return started;
  };
  window.Worker.prototype = NativeWorker.prototype;
})(document.getElementById("__config"), document.currentScript.getAttribute("data-worker"));
