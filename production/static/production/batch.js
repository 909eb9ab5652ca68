// Polls the batch print's progress until the worker has rendered the PDF.
(function () {
  var box = document.getElementById("batch-progress");
  if (!box) return;
  var bar = box.querySelector("progress");
  var text = box.querySelector(".batch-progress__text");
  var link = document.getElementById("batch-download");
  function poll() {
    fetch(box.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        bar.max = Math.max(state.total, 1);
        bar.value = state.done;
        text.textContent = state.done + " of " + state.total + " travelers (" + state.state + ")" +
          (state.message ? ": " + state.message : "");
        if (state.state === "done" || state.state === "failed") {
          if (state.pdf) { link.href = state.pdf; link.hidden = false; }
          return;
        }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
