// Copy buttons: a <button data-copy="ID" hidden> copies the value of the field with that id.
// The button stays hidden without JavaScript (the field is still there to select and copy by
// hand); with it, a click copies and the button's status line says so for screen readers too.
(function () {
  "use strict";

  function copyField(field) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(field.value);
    }
    // Plain http (a laptop's 127.0.0.1 is a secure context, a LAN address is not).
    field.focus();
    field.select();
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject(new Error("copy"));
  }

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById(button.getAttribute("data-copy-status"));
    if (!field) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      copyField(field).then(
        function () {
          if (status) status.textContent = button.getAttribute("data-copied");
        },
        function () {
          field.select();
          if (status) status.textContent = button.getAttribute("data-copy-failed");
        }
      );
    });
  });
})();
