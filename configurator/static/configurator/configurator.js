// Live configurator: every change asks the server for the same computation the form post
// does, then updates the price panel, the preview and which choices are possible. The
// server is the only place prices and rules are computed; this script only displays them.
(function () {
  "use strict";

  function csrfToken(form) {
    const field = form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function applyOption(form, code, state) {
    const box = form.querySelector('[data-option="' + CSS.escape(code) + '"]');
    if (!box) return;
    box.classList.toggle("option--invalid", state.errors.length > 0);
    const errors = box.querySelector("[data-errors-for]");
    if (errors) errors.textContent = state.errors.join(" ");
    const derived = box.querySelector("[data-value-for]");
    if (derived) derived.textContent = state.value_text;
    box.querySelectorAll("input[type=radio], input[type=checkbox]").forEach(function (input) {
      const reasons = state.reasons[input.value] || [];
      // Only choices an "available only when" rule takes away are disabled, and never a
      // checked one: a disabled input would not be sent with the form.
      input.disabled = state.blocked.indexOf(input.value) >= 0 && !input.checked;
      const label = input.closest(".choice");
      if (label) label.classList.toggle("choice--disabled", input.disabled);
      const reason = box.querySelector('[data-reason-for="' + CSS.escape(code + ":" + input.value) + '"]');
      if (reason) reason.textContent = reasons.join(" ");
    });
    const bounds = box.querySelector("[data-bounds-for]");
    if (bounds && state.bounds_text) bounds.textContent = state.bounds_text;
  }

  function attach(form) {
    const quoteUrl = form.dataset.quoteUrl;
    const panel = form.querySelector("[data-quote]");
    const preview = form.querySelector("[data-preview]");
    let controller = null;
    let timer = null;

    form.classList.add("configurator--live");

    function refresh() {
      if (controller) controller.abort(); // a slower, older answer must not overwrite a newer one
      controller = new AbortController();
      form.setAttribute("aria-busy", "true");
      fetch(quoteUrl, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-CSRFToken": csrfToken(form), "X-Requested-With": "fetch" },
        credentials: "same-origin",
        signal: controller.signal,
      })
        .then(function (response) {
          if (!response.ok) throw new Error("quote failed: " + response.status);
          return response.json();
        })
        .then(function (data) {
          panel.innerHTML = data.quote_html;
          preview.innerHTML = data.preview_svg;
          Object.keys(data.options).forEach(function (code) {
            applyOption(form, code, data.options[code]);
          });
          form.dataset.valid = data.valid ? "true" : "false";
        })
        .catch(function (error) {
          if (error.name !== "AbortError") panel.insertAdjacentHTML("beforeend", '<p class="quote__problems">Could not update the price. Use “Update price”.</p>');
        })
        .finally(function () {
          form.removeAttribute("aria-busy");
        });
    }

    form.addEventListener("change", function () {
      clearTimeout(timer);
      refresh();
    });
    form.addEventListener("input", function (event) {
      if (event.target.matches("input[type=text], input[type=number]")) {
        clearTimeout(timer);
        timer = setTimeout(refresh, 250);
      }
    });
  }

  document.querySelectorAll("form[data-configurator]").forEach(attach);
})();
