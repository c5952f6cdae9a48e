// Practice exams: save each choice the moment it is made, and tick the clock down.
//
// The pages work without this file: every button posts the same form and the server redirects.
// The server keeps the deadline; the clock here only counts down from the seconds the page was
// rendered with, and when it reaches zero the page is reloaded so the server can submit.
(function () {
  "use strict";

  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }

  // The clock -------------------------------------------------------------------------------
  var clock = document.querySelector("[data-seconds-left]");
  var resyncClock = function () {};
  var stopClock = function () {};
  if (clock !== null) {
    var text = clock.querySelector(".clock-text") || clock;
    var end = Date.now() + Number(clock.getAttribute("data-seconds-left")) * 1000;
    // Red for the last five minutes, or the last quarter of a short exam (the server decides).
    var lowBelow = Number(clock.getAttribute("data-low-below") || 300);
    var timer = null;
    var tick = function () {
      var left = Math.max(0, Math.floor((end - Date.now()) / 1000));
      // Only the mm:ss inside the translated sentence changes, whatever the language.
      text.textContent = text.textContent.replace(/\d+:\d\d/, pad(Math.floor(left / 60)) + ":" + pad(left % 60));
      clock.classList.toggle("is-low", left < lowBelow);
      if (left === 0 && timer !== null) {
        window.clearInterval(timer);
        timer = null;
        window.setTimeout(function () { window.location.reload(); }, 1500);
      }
    };
    timer = window.setInterval(tick, 1000);
    resyncClock = function (seconds) {
      if (typeof seconds === "number") end = Date.now() + seconds * 1000;
    };
    // The server has closed the exam: show no time left, and do not reload.
    stopClock = function () {
      if (timer !== null) window.clearInterval(timer);
      timer = null;
      text.textContent = text.textContent.replace(/\d+:\d\d/, "00:00");
    };
  }

  // Saving on every change ------------------------------------------------------------------
  var form = document.querySelector("form[data-exam-form]");
  if (form === null || !window.fetch || !window.FormData) return;

  var status = form.querySelector("[data-save-status]");
  var grid = form.querySelector(".nav-grid");
  var queue = Promise.resolve();
  var closed = false;

  function say(message, isError) {
    if (status === null) return;
    status.textContent = message;
    status.classList.toggle("is-error", Boolean(isError));
    status.setAttribute("role", isError ? "alert" : "status");
  }

  function markNavigator(body) {
    if (grid === null) return;
    var button = grid.querySelector("[data-nav-position='" + body.position + "']");
    if (button === null) return;
    button.classList.toggle("is-answered", body.answered);
    button.classList.toggle("is-flagged", body.flagged);
    var hidden = button.querySelector("[data-nav-status]");
    if (hidden !== null) {
      var words = [grid.getAttribute(body.answered ? "data-answered-text" : "data-unanswered-text")];
      if (body.flagged) words.push(grid.getAttribute("data-flagged-text"));
      hidden.textContent = ", " + words.join(", ");
    }
    var count = form.querySelector("[data-answered-count]");
    if (count !== null) count.textContent = String(grid.querySelectorAll(".nav-item.is-answered").length);
  }

  // What the server holds: the checked state of every choice as last saved (or as rendered).
  function savedState() {
    var inputs = form.querySelectorAll("input[type='radio'], input[type='checkbox']");
    var state = [];
    for (var i = 0; i < inputs.length; i++) state.push([inputs[i], inputs[i].checked]);
    return state;
  }

  function markSaved(state) {
    for (var i = 0; i < state.length; i++) state[i][0].defaultChecked = state[i][1];
  }

  function close(message, resultsUrl) {
    closed = true;
    stopClock();
    var controls = form.querySelectorAll("input, button");
    for (var i = 0; i < controls.length; i++) {
      // Show what was really saved, not the choice that was refused.
      if (controls[i].type === "radio" || controls[i].type === "checkbox") {
        controls[i].checked = controls[i].defaultChecked;
      }
      controls[i].disabled = true;
    }
    say(message, true);
    if (resultsUrl && status !== null) {
      var link = document.createElement("a");
      link.href = resultsUrl;
      link.className = "button results-link";
      link.textContent = form.getAttribute("data-results-text");
      status.appendChild(document.createTextNode(" "));
      status.appendChild(link);
    }
  }

  function send() {
    if (closed) return Promise.resolve();
    var data = new FormData(form);
    var state = savedState();
    data.set("go", "stay");
    return fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(function (response) {
      return response.json().then(
        function (body) { return { ok: response.ok, body: body }; },
        function () { return { ok: false, body: {} }; }
      );
    }).then(function (result) {
      if (result.ok) {
        markSaved(state);
        markNavigator(result.body);
        say(form.getAttribute(result.body.answered ? "data-saved-text" : "data-cleared-text"), false);
        resyncClock(result.body.seconds_left);
      } else if (result.body.results_url) {
        close(result.body.error || form.getAttribute("data-error-text"), result.body.results_url);
      } else {
        say(result.body.error || form.getAttribute("data-error-text"), true);
      }
    }, function () {
      say(form.getAttribute("data-offline-text"), true);
    });
  }

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement)) return;
    if (input.name !== "answer" && input.name !== "flagged") return;
    say(form.getAttribute("data-saving-text"), false);
    // One request at a time, in the order the choices were made: the last one wins.
    queue = queue.then(send);
  });

  // Back online after a failed save: send the current state again.
  window.addEventListener("online", function () {
    if (status !== null && status.classList.contains("is-error") && !closed) queue = queue.then(send);
  });
})();
