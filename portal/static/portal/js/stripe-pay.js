// Stripe Elements on the pay page: the card never touches our server. Stripe sends the
// shopper back to the return URL (after 3-D Secure if the bank asks), where the server
// asks Stripe how the payment stands; the signed webhook confirms it independently.
(function () {
  "use strict";
  const form = document.getElementById("stripe-payment");
  if (!form || typeof Stripe === "undefined") return;
  const stripe = Stripe(form.dataset.publishableKey);
  const elements = stripe.elements({ clientSecret: form.dataset.clientSecret });
  elements.create("payment").mount("#payment-element");
  const message = document.getElementById("payment-message");
  const button = document.getElementById("pay-button");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true; // one click, one confirmation
    stripe
      .confirmPayment({ elements: elements, confirmParams: { return_url: form.dataset.returnUrl } })
      .then(function (result) {
        if (result.error) {
          message.textContent = result.error.message;
          button.disabled = false;
        }
      });
  });
})();
