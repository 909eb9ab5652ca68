/*
 * Stripe.js stub for browser tests (served in place of https://js.stripe.com/v3/).
 *
 * Implements the surface Atelier's pay page uses, backed by the fake Stripe server whose
 * address the route handler prepends as window.__FAKE_STRIPE_BASE__:
 *   Stripe(pk_test_...)                         -> stripe
 *   stripe.elements({clientSecret, appearance}) -> elements
 *   elements.create("payment") .mount("#id")    -> real <input>s: Card number, Expiration date, Security code
 *   elements.submit()                           -> {} or {error} (client-side validation)
 *   stripe.confirmPayment({elements, confirmParams: {return_url}, redirect})
 *       success     -> navigates to return_url?payment_intent=..&payment_intent_client_secret=..&redirect_status=succeeded
 *                      (with redirect: "if_required" it resolves {paymentIntent} instead)
 *       3D Secure   -> navigates to the fake's challenge page, which redirects to return_url when done
 *       decline     -> resolves {error: {type: "card_error", code, decline_code, message, payment_intent}}
 *       bad input   -> resolves {error: {type: "validation_error", code, message}} without calling the server
 *   stripe.retrievePaymentIntent(clientSecret)  -> {paymentIntent}
 * Real Stripe.js renders card fields in cross-origin iframes; the stub renders plain inputs so
 * Playwright can fill them with get_by_label("Card number").
 */
(function () {
  "use strict";

  var BASE = window.__FAKE_STRIPE_BASE__;
  if (!BASE) {
    throw new Error("stripe-stub.js: window.__FAKE_STRIPE_BASE__ is not set (use install_stripe_stub)");
  }

  function integrationError(message) {
    var error = new Error(message);
    error.name = "IntegrationError";
    return error;
  }

  function digits(value) {
    return String(value || "").replace(/\D/g, "");
  }

  function luhnValid(number) {
    if (number.length < 12 || number.length > 19) return false;
    var sum = 0;
    for (var i = 0; i < number.length; i++) {
      var d = Number(number.charAt(number.length - 1 - i));
      if (i % 2 === 1) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
    }
    return sum % 10 === 0;
  }

  function withQuery(url, params) {
    var target = new URL(url, window.location.href);
    Object.keys(params).forEach(function (key) {
      target.searchParams.set(key, params[key]);
    });
    return target.toString();
  }

  function navigate(url) {
    window.location.assign(url);
    // Like Stripe.js: when the page is leaving, the promise never settles.
    return new Promise(function () {});
  }

  // --- Payment Element ----------------------------------------------------------------------

  var FIELDS = [
    { key: "number", name: "cardnumber", label: "Card number", autocomplete: "cc-number", placeholder: "1234 1234 1234 1234" },
    { key: "expiry", name: "exp-date", label: "Expiration date", autocomplete: "cc-exp", placeholder: "MM / YY" },
    { key: "cvc", name: "cvc", label: "Security code", autocomplete: "cc-csc", placeholder: "CVC" },
  ];

  function PaymentElement(elements, options) {
    this._elements = elements;
    this._options = options || {};
    this._handlers = {};
    this._inputs = null;
    this._node = null;
  }

  PaymentElement.prototype.on = function (event, handler) {
    (this._handlers[event] = this._handlers[event] || []).push(handler);
    return this;
  };
  PaymentElement.prototype.once = function (event, handler) {
    var self = this;
    function wrapper(payload) {
      self.off(event, wrapper);
      handler(payload);
    }
    return this.on(event, wrapper);
  };
  PaymentElement.prototype.off = function (event, handler) {
    this._handlers[event] = (this._handlers[event] || []).filter(function (h) {
      return handler !== undefined && h !== handler;
    });
    return this;
  };
  PaymentElement.prototype._emit = function (event, payload) {
    (this._handlers[event] || []).slice().forEach(function (handler) {
      handler(payload);
    });
  };

  PaymentElement.prototype.mount = function (target) {
    var node = typeof target === "string" ? document.querySelector(target) : target;
    if (!node) {
      throw integrationError("The selector you specified (" + target + ") applies to no DOM elements.");
    }
    var self = this;
    node.innerHTML = "";
    var wrapper = document.createElement("div");
    wrapper.className = "StripeElement StripeElement--stub";
    wrapper.setAttribute("data-stripe-stub", "payment");
    this._inputs = {};
    FIELDS.forEach(function (field) {
      var label = document.createElement("label");
      label.style.display = "block";
      label.style.marginBottom = "0.5em";
      var caption = document.createElement("span");
      caption.textContent = field.label;
      caption.style.display = "block";
      var input = document.createElement("input");
      input.type = "text";
      input.name = field.name;
      input.setAttribute("aria-label", field.label);
      input.autocomplete = field.autocomplete;
      input.placeholder = field.placeholder;
      input.inputMode = "numeric";
      input.addEventListener("input", function () {
        self._emit("change", self._changeEvent());
      });
      input.addEventListener("focus", function () {
        self._emit("focus", { elementType: "payment" });
      });
      input.addEventListener("blur", function () {
        self._emit("blur", { elementType: "payment" });
      });
      label.appendChild(caption);
      label.appendChild(input);
      wrapper.appendChild(label);
      self._inputs[field.key] = input;
    });
    node.appendChild(wrapper);
    this._node = node;
    setTimeout(function () {
      self._emit("ready", { elementType: "payment" });
    }, 0);
  };

  PaymentElement.prototype.unmount = function () {
    if (this._node) this._node.innerHTML = "";
    this._node = null;
    this._inputs = null;
  };
  PaymentElement.prototype.destroy = function () {
    this.unmount();
    delete this._elements._elements.payment;
  };
  PaymentElement.prototype.focus = function () {
    if (this._inputs) this._inputs.number.focus();
  };
  PaymentElement.prototype.blur = function () {
    if (document.activeElement) document.activeElement.blur();
  };
  PaymentElement.prototype.clear = function () {
    var inputs = this._inputs || {};
    Object.keys(inputs).forEach(function (key) {
      inputs[key].value = "";
    });
  };
  PaymentElement.prototype.update = function (options) {
    Object.assign(this._options, options || {});
  };
  PaymentElement.prototype.collapse = function () {};

  PaymentElement.prototype._values = function () {
    var inputs = this._inputs;
    if (!inputs) return null;
    return { number: digits(inputs.number.value), expiry: inputs.expiry.value.trim(), cvc: digits(inputs.cvc.value) };
  };

  PaymentElement.prototype._changeEvent = function () {
    var values = this._values() || {};
    return {
      elementType: "payment",
      empty: !values.number && !values.expiry && !values.cvc,
      complete: this._validate() === null,
      value: { type: "card" },
    };
  };

  /* Stripe's own wording for incomplete or invalid card details. */
  PaymentElement.prototype._validate = function () {
    var values = this._values();
    function error(code, message) {
      return { type: "validation_error", code: code, message: message };
    }
    if (!values) return error("incomplete", "The Payment Element is not mounted.");
    if (!values.number) return error("incomplete_number", "Your card number is incomplete.");
    if (!luhnValid(values.number)) return error("invalid_number", "Your card number is invalid.");
    var expiry = values.expiry.match(/^(\d{1,2})\s*\/?\s*(\d{2}|\d{4})$/);
    if (!expiry) return error("incomplete_expiry", "Your card's expiration date is incomplete.");
    var month = Number(expiry[1]);
    var year = Number(expiry[2].length === 2 ? "20" + expiry[2] : expiry[2]);
    var now = new Date();
    if (month < 1 || month > 12) return error("invalid_expiry_month", "Your card's expiration date is invalid.");
    if (year < now.getFullYear()) return error("invalid_expiry_year_past", "Your card's expiration year is in the past.");
    if (year === now.getFullYear() && month < now.getMonth() + 1) {
      return error("invalid_expiry_month_past", "Your card's expiration date is in the past.");
    }
    if (values.cvc.length < 3) return error("incomplete_cvc", "Your card's security code is incomplete.");
    return null;
  };

  // --- Elements -----------------------------------------------------------------------------

  function Elements(stripe, options) {
    this._stripe = stripe;
    this._options = options || {};
    this._elements = {};
  }

  Elements.prototype.create = function (type, options) {
    if (type !== "payment") {
      throw integrationError('stripe-stub.js implements only the "payment" element, not "' + type + '".');
    }
    if (this._elements.payment) {
      throw integrationError("Can only create one Element of type payment.");
    }
    this._elements.payment = new PaymentElement(this, options);
    return this._elements.payment;
  };
  Elements.prototype.getElement = function (type) {
    return this._elements[type] || null;
  };
  Elements.prototype.update = function (options) {
    Object.assign(this._options, options || {});
  };
  Elements.prototype.fetchUpdates = function () {
    return Promise.resolve({});
  };
  Elements.prototype.submit = function () {
    var element = this._elements.payment;
    var error = element ? element._validate() : { type: "validation_error", code: "incomplete", message: "No Payment Element." };
    return Promise.resolve(error ? { error: error } : {});
  };

  // --- Stripe ---------------------------------------------------------------------------------

  function StripeStub(publishableKey, options) {
    if (typeof publishableKey !== "string" || publishableKey.indexOf("pk_test_") !== 0) {
      throw integrationError("Invalid API Key provided: " + publishableKey + " (the stub needs a pk_test_ key)");
    }
    this._key = publishableKey;
    this._options = options || {};
  }

  StripeStub.prototype.elements = function (options) {
    return new Elements(this, options);
  };

  StripeStub.prototype._post = function (path, payload) {
    return fetch(BASE + path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(payload),
    }).then(function (response) {
      return response.json();
    });
  };

  StripeStub.prototype.confirmPayment = function (options) {
    options = options || {};
    var elements = options.elements;
    if (!elements) {
      return Promise.reject(integrationError("stripe.confirmPayment(): the `elements` argument is required."));
    }
    var clientSecret = options.clientSecret || elements._options.clientSecret;
    if (!clientSecret) {
      return Promise.reject(integrationError("stripe.confirmPayment(): a client secret is required."));
    }
    var redirect = options.redirect || "always";
    var returnUrl = (options.confirmParams || {}).return_url;
    if (redirect === "always" && !returnUrl) {
      return Promise.reject(
        integrationError(
          "stripe.confirmPayment(): the `confirmParams.return_url` argument is required unless passing `redirect: 'if_required'`"
        )
      );
    }
    var element = elements.getElement("payment");
    var invalid = element ? element._validate() : { type: "validation_error", code: "incomplete", message: "No Payment Element." };
    if (invalid) return Promise.resolve({ error: invalid });
    var values = element._values();
    window.__stripeStubCalls = (window.__stripeStubCalls || 0) + 1;
    return this._post("/_test/js/confirm", {
      publishable_key: this._key,
      client_secret: clientSecret,
      // With redirect "if_required" the stub still needs somewhere to come back to after 3DS.
      return_url: returnUrl || window.location.href,
      card: { number: values.number, expiry: values.expiry, cvc: values.cvc },
    }).then(
      function (data) {
        if (data.error) return { error: data.error };
        var intent = data.payment_intent;
        var next = intent.next_action;
        if (intent.status === "requires_action" && next) {
          return navigate(next.type === "redirect_to_url" ? next.redirect_to_url.url : next.use_stripe_sdk.stripe_js);
        }
        if (redirect === "if_required") return { paymentIntent: intent };
        return navigate(
          withQuery(returnUrl, {
            payment_intent: intent.id,
            payment_intent_client_secret: intent.client_secret,
            redirect_status: intent.status === "processing" ? "processing" : "succeeded",
          })
        );
      },
      function (reason) {
        return { error: { type: "api_connection_error", message: "Could not reach the fake Stripe server: " + reason } };
      }
    );
  };

  StripeStub.prototype.retrievePaymentIntent = function (clientSecret) {
    var url = BASE + "/_test/js/payment_intent?" + new URLSearchParams({ client_secret: clientSecret, key: this._key });
    return fetch(url)
      .then(function (response) {
        return response.json();
      })
      .then(function (data) {
        return data.error ? { error: data.error } : { paymentIntent: data.payment_intent };
      });
  };

  window.Stripe = function (publishableKey, options) {
    return new StripeStub(publishableKey, options);
  };
  window.Stripe.version = 3;
  window.Stripe.isFakeStripeStub = true;
})();
