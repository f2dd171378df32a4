/* Enhancements only: every page works without this file (the tests run with JavaScript
   off). Served by the app and loaded with <script src defer>, as the Content-Security-Policy
   allows no inline script. */
(function () {
  "use strict";

  // A form sent back with errors: move focus to the summary, so a screen reader reads it
  // and a keyboard user starts from the list of links to the fields to correct.
  function focusErrorSummary() {
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
    }
  }

  // The words of tracker.inquiries.clock.duration_words: the largest unit and the next.
  function durationWords(milliseconds) {
    var minutes = Math.floor(Math.abs(milliseconds) / 60000);
    if (minutes === 0) {
      return "less than a minute";
    }
    var counts = [
      [Math.floor(minutes / 1440), "day"],
      [Math.floor((minutes % 1440) / 60), "hour"],
      [minutes % 60, "minute"]
    ];
    var first = 0;
    while (!counts[first][0]) {
      first += 1;
    }
    return counts.slice(first, first + 2).filter(function (pair) {
      return pair[0];
    }).map(function (pair) {
      return pair[0] + " " + pair[1] + (pair[0] === 1 ? "" : "s");
    }).join(" ");
  }

  function timeLeftWords(due, now) {
    return now >= due ? "Overdue by " + durationWords(now - due) : durationWords(due - now) + " left";
  }

  // Queue rows say how long is left before each inquiry is due. The server wrote the
  // words for the moment it drew the page (data-now, by the application's clock); keep
  // them true while the page stays open, counting from that moment, not the device's clock.
  function startCountdowns() {
    var clocks = document.querySelectorAll("[data-due][data-now]");
    if (!clocks.length || document.documentElement.lang.slice(0, 2) !== "en") {
      return;
    }
    var loaded = Date.now();
    function tick() {
      var elapsed = Date.now() - loaded;
      Array.prototype.forEach.call(clocks, function (element) {
        var now = Date.parse(element.getAttribute("data-now")) + elapsed;
        var due = Date.parse(element.getAttribute("data-due"));
        element.textContent = timeLeftWords(due, now);
        var row = element.closest("tr");
        if (row && now >= due) {
          row.classList.add("overdue");
        }
      });
    }
    window.setInterval(tick, 15000);
  }

  // The queue's filters fold behind "Filters" on a phone; a wide screen shows them open
  // through ::details-content. A browser without it would keep them folded: open them.
  function unfoldFiltersOnWideScreens() {
    var fold = document.querySelector("details.filter-fold");
    var styled = window.CSS && CSS.supports && CSS.supports("selector(::details-content)");
    if (fold && !fold.open && !styled && window.matchMedia("(min-width: 48.0625rem)").matches) {
      fold.open = true;
    }
  }

  function enhance() {
    focusErrorSummary();
    startCountdowns();
    unfoldFiltersOnWideScreens();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();
