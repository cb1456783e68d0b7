/* Keyboard shortcuts for the staff console (no library, no inline script).
 * Queue: j/k move, Enter opens. Message: a assign, c confirm, d dismiss,
 * s spam, e edit the delegation, u back to the queue. Keys typed into a
 * field are left alone; Escape leaves the field. */
(function () {
  "use strict";
  function typing(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" ||
                  el.tagName === "SELECT" || el.isContentEditable);
  }
  function submit(id) {
    var form = document.getElementById(id);
    if (form) { form.requestSubmit(); return true; }
    return false;
  }
  var rows = [];
  var current = -1;
  function select(index) {
    if (!rows.length) { return; }
    if (current >= 0) { rows[current].classList.remove("selected"); }
    current = Math.max(0, Math.min(rows.length - 1, index));
    rows[current].classList.add("selected");
    rows[current].scrollIntoView({block: "nearest"});
  }
  function open(row) {
    var href = row && row.getAttribute("data-href");
    if (href && href.indexOf("/messages/") === 0) { window.location.assign(href); }
  }
  document.addEventListener("DOMContentLoaded", function () {
    rows = Array.prototype.slice.call(document.querySelectorAll("#queue tr.row"));
    if (rows.length) { select(0); }
    rows.forEach(function (row) {
      row.addEventListener("dblclick", function () { open(row); });
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (typing(event.target)) {
      if (event.key === "Escape") { event.target.blur(); }
      return;
    }
    var done = false;
    switch (event.key) {
      case "j": select(current + 1); done = rows.length > 0; break;
      case "k": select(current - 1); done = rows.length > 0; break;
      case "Enter": if (rows.length) { open(rows[current]); done = true; } break;
      case "a": done = submit("assign-form"); break;
      case "c": done = submit("confirm-form"); break;
      case "d": done = submit("dismiss-form"); break;
      case "s": done = submit("spam-form"); break;
      case "u": window.location.assign("/review"); done = true; break;
      case "e":
        var field = document.querySelector("#delegation input[name=name], #add-delegate input[name=name]");
        if (field) { field.focus(); field.select(); done = true; }
        break;
    }
    if (done) { event.preventDefault(); }
  });
}());
