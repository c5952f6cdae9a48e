// Exam results: a jump-list link (#q12) opens the question it lands on. Without this file the
// link still scrolls to the question, closed; one click opens it.
(function () {
  "use strict";

  function openTarget() {
    var id = window.location.hash.slice(1);
    if (!/^q\d+$/.test(id)) return;
    var item = document.getElementById(id);
    var details = item && item.querySelector("details");
    if (details) details.open = true;
  }

  window.addEventListener("hashchange", openTarget);
  openTarget();
})();
