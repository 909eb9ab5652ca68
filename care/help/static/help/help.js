/* "Did this answer your question?" without leaving the page. The form works on its own
   (it posts and comes back to the question); with this script the answer is sent in the
   background and the form gives way to the thanks, announced to screen readers. */
(function () {
  "use strict";
  function csrfToken(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-help-vote] form")) { return; }
    var button = event.submitter;
    if (!button || !window.fetch) { return; }  // an old browser posts the form itself
    event.preventDefault();
    var data = new FormData(form);
    data.set("helpful", button.value);
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });  // a double click sends once
    var status = form.parentNode.querySelector(".help-vote__status");
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken(form) }
    }).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    }).then(function (answer) {
      form.hidden = true;
      status.textContent = answer.message;
    }).catch(function () {
      buttons.forEach(function (b) { b.disabled = false; });
      status.textContent = "Your answer could not be sent. Please try again.";
    });
  });
})();
