// The shop-floor terminal's camera scan: where the browser has BarcodeDetector (Chrome on
// Android, for one), a "Use the camera" button reads the traveler's QR code into the code box
// and opens it. Without it, or without a camera, the box is typed into as before.
// A form's button is disabled once tapped, so a slow answer is not tapped again (the server
// refuses a repeat anyway).
(function () {
  document.querySelectorAll("form[method=post]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        window.setTimeout(function () { button.disabled = true; }, 0);
      });
    });
  });

  // Back to a page kept in the browser's cache: its buttons are tappable again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[method=post] button[type=submit][disabled]").forEach(function (button) {
      if (!button.hasAttribute("data-waiting")) button.disabled = false;
    });
  });

  var form = document.querySelector("form[data-scanner]");
  if (!form || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  var start = form.querySelector("[data-camera]");
  var view = form.querySelector("[data-camera-view]");
  var video = view.querySelector("video");
  var status = view.querySelector("[data-camera-status]");
  var input = form.querySelector("input[name=code]");
  var stream = null;
  var detector;
  try {
    detector = new window.BarcodeDetector({ formats: ["qr_code"] });
  } catch (error) {
    return;
  }
  start.hidden = false;

  function stop() {
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    view.hidden = true;
    start.hidden = false;
  }

  function look() {
    if (!stream) return;
    detector.detect(video).then(function (codes) {
      if (codes.length) {
        input.value = codes[0].rawValue;
        status.textContent = "Read " + codes[0].rawValue + "; opening it.";
        stop();
        form.submit();
        return;
      }
      window.setTimeout(look, 200);
    }).catch(function () { window.setTimeout(look, 400); });
  }

  start.addEventListener("click", function () {
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (media) {
      stream = media;
      video.srcObject = media;
      view.hidden = false;
      start.hidden = true;
      status.textContent = "Hold the traveler's QR code in front of the camera.";
      return video.play().then(look);
    }).catch(function () {
      status.textContent = "The camera cannot be used here; type the code instead.";
      view.hidden = false;
      input.focus();
    });
  });
  view.querySelector("[data-camera-stop]").addEventListener("click", stop);
})();
