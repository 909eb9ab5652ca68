// The console's canned-reply picker without a page load: "Insert" puts the chosen reply, its blanks
// already filled on the server (the page's #canned-bodies), in the answer box. Without this script
// the same form asks the page again with ?canned=<id>, which draws the box filled.
(function () {
  var picker = document.querySelector("form.care-canned");
  var data = document.getElementById("canned-bodies");
  if (!picker || !data) return;
  var box = document.getElementById(picker.dataset.target);
  var select = picker.querySelector("select");
  if (!box || !select) return;
  var bodies = JSON.parse(data.textContent);
  var inserted = box.value; // what the page or the last insert put there: replaced without asking

  picker.addEventListener("submit", function (event) {
    event.preventDefault();
    var body = bodies[select.value];
    if (body === undefined) return; // "Choose a reply": nothing to insert
    var written = box.value.trim() !== "" && box.value !== inserted;
    if (written && !window.confirm(picker.dataset.confirm)) return;
    box.value = body;
    inserted = body;
    box.focus();
    box.setSelectionRange(0, 0);
  });
})();
