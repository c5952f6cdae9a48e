// Study pages: keyboard shortcuts and the time taken. The pages work without this file.
//
// Every element a key acts on carries data-key with its key names ("Space", "Enter", "1", "A"),
// rendered next to a <kbd> label, so this script holds no page-specific knowledge:
// a closed <details> opens, a checkbox toggles, anything else is clicked.
(function () {
  "use strict";

  var MAX_DURATION_MS = 60 * 60 * 1000;

  function keyName(event) {
    if (event.key === " " || event.key === "Spacebar") return "Space";
    if (event.key === "Enter") return "Enter";
    if (/^[1-4]$/.test(event.key)) return event.key;
    if (/^[a-z]$/i.test(event.key)) return event.key.toUpperCase();
    return null;
  }

  function isTyping(target) {
    if (!(target instanceof HTMLElement)) return false;
    if (target.isContentEditable) return true;
    if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
    if (target instanceof HTMLInputElement) {
      return ["checkbox", "radio", "button", "submit", "reset"].indexOf(target.type) === -1;
    }
    return false;
  }

  // Space and Enter already activate a focused button, link or summary: leave those alone.
  function activatesNatively(target, name) {
    if (name !== "Space" && name !== "Enter") return false;
    return target instanceof HTMLElement && target.closest("button, a[href], summary") !== null;
  }

  function findTarget(name) {
    var candidates = document.querySelectorAll("[data-key]");
    for (var i = 0; i < candidates.length; i++) {
      var el = candidates[i];
      if (el.getAttribute("data-key").split(" ").indexOf(name) === -1) continue;
      if (el.disabled) continue;
      if (el.tagName === "DETAILS") {
        if (!el.open) return el;
        continue;
      }
      // A button inside a closed <details> is not on screen yet: reveal first, then rate.
      var closed = el.closest("details:not([open])");
      if (closed !== null) continue;
      return el;
    }
    return null;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.repeat) return;
    if (event.ctrlKey || event.metaKey || event.altKey || event.shiftKey) return;
    if (isTyping(event.target)) return;
    var name = keyName(event);
    if (name === null || activatesNatively(event.target, name)) return;
    var el = findTarget(name);
    if (el === null) return;
    event.preventDefault();
    if (el.tagName === "DETAILS") {
      el.open = true;
      var first = el.querySelector("[data-key]");
      if (first !== null) first.scrollIntoView({ block: "nearest" });
    } else if (el instanceof HTMLInputElement && el.type === "checkbox") {
      el.checked = !el.checked;
      el.focus();
    } else {
      el.click();
    }
  });

  // The result of an answer arrives with a new page, and text already in a live region when the
  // page loads is not announced: take the verdict out and put it back once the page is ready.
  var announce = document.querySelector("[data-announce]");
  if (announce !== null) {
    var verdict = announce.textContent;
    announce.textContent = "";
    window.setTimeout(function () {
      announce.textContent = verdict.trim();
      announce.setAttribute("data-announced", "");
    }, 150);
  }

  var started = performance.now();
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var field = form.querySelector("input[name='duration_ms']");
    if (field !== null) {
      field.value = String(Math.min(MAX_DURATION_MS, Math.max(0, Math.round(performance.now() - started))));
    }
  });
})();
