/*
 * Booking calendar, enhanced: choosing a day loads its times from the
 * availability API and shows them without reloading the page. Without
 * JavaScript the day links load the same page with ?date=… instead.
 */
(function () {
  "use strict";
  var root = document.querySelector("[data-booking-calendar]");
  if (!root || !window.fetch) { return; }
  var party = parseInt(root.dataset.party, 10) || 1;
  var slotsBox = root.querySelector("[data-slots]");

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function hm(text) { var p = text.split(":"); return parseInt(p[0], 10) + ":" + p[1]; }

  function render(date, day, link) {
    var heading = document.createElement("h2");
    heading.textContent = root.dataset.headingPrefix + " " + (link.dataset.label || date);
    heading.tabIndex = -1;
    slotsBox.replaceChildren(heading);
    var slots = (day && day.slots || []).filter(function (s) { return s.remaining >= party; });
    if (!slots.length) {
      var p = document.createElement("p");
      p.textContent = root.dataset.noneLabel;
      slotsBox.appendChild(p);
    } else {
      var list = document.createElement("ul");
      list.className = "slot-list list-unstyled";
      slots.forEach(function (slot) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.className = "btn btn-outline-primary slot-button";
        a.href = root.dataset.slotUrl.replace("DATE", date).replace("HHMM", slot.start.replace(":", ""));
        // The same markup as the page without JavaScript (_slot_list.html): the seats in a smaller type.
        var seats = document.createElement("span");
        seats.className = "small";
        seats.textContent = "(" + root.dataset.seatsLabel.replace("N", slot.remaining) + ")";
        a.append(hm(slot.start) + "–" + hm(slot.end) + " ", seats);
        li.appendChild(a);
        list.appendChild(li);
      });
      slotsBox.appendChild(list);
    }
    heading.focus();
  }

  // Arrow keys move between the days that can be chosen: left and right to the
  // previous or next one, up and down a week (or the nearest one beyond). Tab
  // and Shift+Tab still go through every day, as without JavaScript.
  var steps = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: 7, ArrowUp: -7 };
  function shift(iso, days) {
    var p = iso.split("-");
    return new Date(Date.UTC(+p[0], +p[1] - 1, +p[2] + days)).toISOString().slice(0, 10);
  }
  root.addEventListener("keydown", function (event) {
    var link = event.target.closest && event.target.closest("a.day-link");
    var step = steps[event.key];
    if (!link || !step || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    var wanted = shift(link.dataset.date, step);
    var links = Array.prototype.slice.call(root.querySelectorAll("a.day-link"));
    var found = step > 0
      ? links.filter(function (a) { return a.dataset.date >= wanted; })[0]
      : links.filter(function (a) { return a.dataset.date <= wanted; }).pop();
    if (found) {
      event.preventDefault();
      found.focus();
    }
  });

  root.addEventListener("click", function (event) {
    var link = event.target.closest("a.day-link");
    if (!link) { return; }
    event.preventDefault();
    var date = link.dataset.date;
    root.querySelectorAll("a.day-link[aria-current]").forEach(function (a) {
      a.removeAttribute("aria-current");
      a.parentElement.classList.remove("chosen");
    });
    link.setAttribute("aria-current", "date");
    link.parentElement.classList.add("chosen");
    fetch(root.dataset.api + (root.dataset.api.indexOf("?") < 0 ? "?" : "&") + "from=" + date + "&to=" + date, { headers: { "Accept": "application/json", "Accept-Language": document.documentElement.lang } })
      .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
      .then(function (body) {
        render(date, body.days[0], link);
        if (window.history && history.replaceState) { history.replaceState(null, "", "?date=" + date + "#slots"); }
      })
      .catch(function () { window.location.href = link.href; });
  });
})();
