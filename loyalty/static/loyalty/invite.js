// The invite page's "Copy link" button: shown only with JavaScript (without it the page asks to
// select the link and copy it), it copies the link and says in the live region whether it did.
(function () {
  var button = document.querySelector("[data-copy-invite]");
  var box = document.querySelector("[data-invite-link]");
  var status = document.querySelector("[data-copy-status]");
  if (!button || !box || !status) return;

  function say(message) {
    status.textContent = "";
    // A fresh text each time, so a second click is announced again.
    window.setTimeout(function () {
      status.textContent = message;
    }, 50);
  }

  function copyBySelecting() {
    box.focus();
    box.select();
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  button.hidden = false;
  button.addEventListener("click", function () {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(box.value).then(
        function () {
          say(status.dataset.copied);
        },
        function () {
          say(copyBySelecting() ? status.dataset.copied : status.dataset.copyFailed);
        }
      );
    } else {
      say(copyBySelecting() ? status.dataset.copied : status.dataset.copyFailed);
    }
  });
  document.documentElement.dataset.inviteReady = "true";
})();
