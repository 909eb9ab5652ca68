/* The planner board's drag and drop on the Gantt, by pointer (mouse, pen, touch) or keyboard.
 *
 * Progressive enhancement: the server draws the chart and the move form works without this.
 * Here planned bars become focusable buttons that can be picked up and dropped on another
 * time (by quarter hours) or another eligible work center. A drop POSTs to the board's
 * drop endpoint with the plan revision the page was drawn from; the server checks everything
 * again and answers in words. After a drop the board reloads and says what the re-plan moved,
 * highlighting those bars.
 */
(function () {
  "use strict";

  var svg = document.querySelector("svg.gantt[data-drop-url]");
  var status = document.getElementById("drag-status");
  if (!svg || !status || !window.fetch) return;

  var STEP = 15 * 60 * 1000;
  var KEY = "production-drop";
  var t0 = Date.parse(svg.getAttribute("data-start"));
  var t1 = Date.parse(svg.getAttribute("data-end"));
  var left = Number(svg.getAttribute("data-left"));
  var width = Number(svg.getAttribute("data-width"));
  var rowHeight = Number(svg.getAttribute("data-row"));
  var axis = Number(svg.getAttribute("data-axis"));
  var rows = Array.prototype.map.call(svg.querySelectorAll(".gantt-row"), function (rect) {
    return { center: rect.getAttribute("data-center"), name: rect.getAttribute("data-name"), rect: rect };
  });
  var help = document.getElementById("drag-help");
  if (help) help.hidden = false;

  function xOf(time) {
    return left + ((width - left) * (time - t0)) / (t1 - t0);
  }
  function rowIndex(center) {
    for (var i = 0; i < rows.length; i++) if (rows[i].center === center) return i;
    return -1;
  }
  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }
  function clock(time) {
    var d = new Date(time);
    return pad(d.getHours()) + ":" + pad(d.getMinutes());
  }
  function day(time) {
    return new Date(time).toLocaleDateString(undefined, { weekday: "long", day: "numeric", month: "long" });
  }
  function say(text, error) {
    status.classList.toggle("is-error", !!error);
    status.textContent = text;
  }

  function eligibleOf(bar) {
    var map = {};
    (bar.getAttribute("data-eligible") || "").split(" ").forEach(function (pair) {
      var parts = pair.split(":");
      if (parts.length === 2) map[parts[0]] = Number(parts[1]) * 60 * 1000;
    });
    return map;
  }

  // Upgrade each draggable bar: out of its link (a button inside a link is not allowed),
  // focusable, named in words.
  var bars = Array.prototype.slice.call(svg.querySelectorAll(".gantt-bar[data-draggable]"));
  bars.forEach(function (bar) {
    var link = bar.parentNode;
    if (link && link.tagName.toLowerCase() === "a") {
      var title = link.querySelector("title");
      link.parentNode.insertBefore(bar, link);
      if (title) bar.insertBefore(title, bar.firstChild);
      link.parentNode.removeChild(link);
    }
    bar.setAttribute("tabindex", "0");
    bar.setAttribute("role", "button");
    bar.setAttribute("aria-label", bar.getAttribute("data-words") + ". Movable.");
    bar.setAttribute("aria-describedby", "drag-help");
  });

  var lifted = null; // {bar, start, duration, center, original start/center, eligible, mode}

  function describe(state) {
    var row = rows[rowIndex(state.center)];
    var end = state.start + state.eligible[state.center];
    return (row ? row.name : "") + ", " + day(state.start) + " " + clock(state.start) + "–" + clock(end);
  }

  function draw(state) {
    var dx = xOf(state.start) - xOf(state.originalStart);
    var dy = (rowIndex(state.center) - rowIndex(state.originalCenter)) * rowHeight;
    state.bar.setAttribute("transform", "translate(" + dx.toFixed(1) + " " + dy + ")");
    state.bar.classList.toggle("is-refused", !(state.center in state.eligible));
  }

  function lift(bar, mode) {
    var start = Date.parse(bar.getAttribute("data-op-start"));
    lifted = {
      bar: bar,
      mode: mode,
      start: start,
      originalStart: start,
      center: bar.getAttribute("data-center"),
      originalCenter: bar.getAttribute("data-center"),
      eligible: eligibleOf(bar),
    };
    bar.classList.add("is-lifted");
    bar.setAttribute("aria-pressed", "true");
    rows.forEach(function (row) {
      row.rect.classList.add(row.center in lifted.eligible ? "drop-ok" : "drop-no");
    });
    var names = rows.filter(function (row) { return row.center in lifted.eligible; }).map(function (row) { return row.name; });
    if (mode === "keyboard") {
      say("Picked up " + bar.getAttribute("data-words") + ". Eligible: " + names.join(", ") +
          ". Arrow keys move it, Enter drops, Escape cancels.");
    }
  }

  function settle() {
    if (!lifted) return;
    lifted.bar.classList.remove("is-lifted", "is-refused");
    lifted.bar.removeAttribute("transform");
    lifted.bar.removeAttribute("aria-pressed");
    rows.forEach(function (row) { row.rect.classList.remove("drop-ok", "drop-no"); });
    lifted = null;
  }

  function cancel(why) {
    var bar = lifted && lifted.bar;
    settle();
    say(why || "Move cancelled; nothing changed.");
    if (bar) bar.focus();
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function drop() {
    var state = lifted;
    if (state.start === state.originalStart && state.center === state.originalCenter) {
      cancel("Dropped where it was; nothing changed.");
      return;
    }
    if (!(state.center in state.eligible)) {
      var row = rows[rowIndex(state.center)];
      cancel((row ? row.name : "That work center") + " is not eligible for this operation; nothing changed.");
      return;
    }
    state.sent = true;
    var id = state.bar.getAttribute("data-operation");
    var body = new URLSearchParams();
    body.set("work_center", state.center);
    body.set("start", new Date(state.start).toISOString());
    body.set("revision", svg.getAttribute("data-revision"));
    say("Moving to " + describe(state) + " and re-planning…");
    state.bar.classList.remove("is-lifted");
    var url = svg.getAttribute("data-drop-url").replace("/0/", "/" + id + "/");
    fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().catch(function () {
          return { ok: false, message: "The board could not move it (" + response.status + "); nothing changed." };
        });
      })
      .then(function (answer) {
        if (answer.ok || answer.reload) {
          remember(answer, id, state.mode);
          window.location.reload();
          return;
        }
        settle();
        say(answer.message, true);
        var bar = svg.querySelector('.gantt-bar[data-operation="' + id + '"]');
        if (bar) bar.focus();
      })
      .catch(function () {
        settle();
        say("The board could not be reached; nothing changed.", true);
      });
  }

  function remember(answer, id, mode) {
    try {
      sessionStorage.setItem(KEY, JSON.stringify({
        message: answer.message, error: !answer.ok, moved: answer.moved || [], operation: id, keyboard: mode === "keyboard",
      }));
    } catch (e) { /* private mode: the reload shows the plan without the note */ }
  }

  // After the reload: what the drop did and what the re-plan moved, said and highlighted.
  function recall() {
    var saved;
    try {
      saved = JSON.parse(sessionStorage.getItem(KEY) || "null");
      sessionStorage.removeItem(KEY);
    } catch (e) { saved = null; }
    if (!saved) return;
    var dropped = svg.querySelector('.gantt-bar[data-operation="' + saved.operation + '"]');
    if (dropped && !saved.error) dropped.classList.add("was-dropped");
    // Filled a moment after load, so screen readers announce the live region's new content.
    window.setTimeout(function () {
      say(saved.message, saved.error);
      if (saved.moved.length) {
        var list = document.createElement("ul");
        saved.moved.forEach(function (item) {
          var entry = document.createElement("li");
          entry.textContent = item.words;
          list.appendChild(entry);
          var bar = svg.querySelector('.gantt-bar[data-operation="' + item.operation + '"]');
          if (bar) bar.classList.add("was-moved");
        });
        status.appendChild(list);
      }
      if (saved.keyboard && dropped) dropped.focus();
    }, 150);
  }

  // Pointer: press on a bar, move, release over a row. A press that barely moves is a click.
  function svgPoint(event) {
    var point = svg.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    return point.matrixTransform(svg.getScreenCTM().inverse());
  }
  var press = null;
  svg.addEventListener("pointerdown", function (event) {
    var bar = event.target.closest && event.target.closest(".gantt-bar[data-draggable]");
    if (!bar || event.button !== 0 || lifted) return;
    press = { bar: bar, from: svgPoint(event), moved: false, pointer: event.pointerId };
    bar.setPointerCapture(event.pointerId);
    event.preventDefault();
  });
  svg.addEventListener("pointermove", function (event) {
    if (!press || event.pointerId !== press.pointer) return;
    var at = svgPoint(event);
    if (!press.moved && Math.abs(at.x - press.from.x) + Math.abs(at.y - press.from.y) < 4) return;
    if (!press.moved) {
      press.moved = true;
      lift(press.bar, "pointer");
    }
    var shift = ((at.x - press.from.x) / (width - left)) * (t1 - t0);
    lifted.start = lifted.originalStart + Math.round(shift / STEP) * STEP; // by quarter hours
    var index = Math.floor((at.y - axis) / rowHeight);
    index = Math.max(0, Math.min(rows.length - 1, index));
    lifted.center = rows[index].center;
    draw(lifted);
  });
  function release(event) {
    if (!press || event.pointerId !== press.pointer) return;
    var wasMoved = press.moved;
    press = null;
    if (wasMoved && lifted) {
      if (event.type === "pointercancel") cancel();
      else drop();
    }
  }
  svg.addEventListener("pointerup", release);
  svg.addEventListener("pointercancel", release);

  // Keyboard: Enter or Space picks up and drops, arrows move, Escape cancels.
  function nextEligible(state, direction) {
    for (var i = rowIndex(state.center) + direction; i >= 0 && i < rows.length; i += direction) {
      if (rows[i].center in state.eligible) return rows[i].center;
    }
    return null;
  }
  svg.addEventListener("keydown", function (event) {
    var bar = event.target.closest && event.target.closest(".gantt-bar[data-draggable]");
    if (!bar) return;
    var key = event.key;
    if (!lifted) {
      if (key === "Enter" || key === " ") {
        event.preventDefault();
        lift(bar, "keyboard");
      }
      return;
    }
    if (lifted.bar !== bar || lifted.sent) return;
    if (key === "Escape") {
      event.preventDefault();
      cancel();
    } else if (key === "Enter" || key === " ") {
      event.preventDefault();
      drop();
    } else if (key === "ArrowLeft" || key === "ArrowRight") {
      event.preventDefault();
      lifted.start += key === "ArrowLeft" ? -STEP : STEP;
      draw(lifted);
      say(describe(lifted));
    } else if (key === "ArrowUp" || key === "ArrowDown") {
      event.preventDefault();
      var center = nextEligible(lifted, key === "ArrowUp" ? -1 : 1);
      if (center === null) {
        say("No other eligible work center " + (key === "ArrowUp" ? "above" : "below") + "; " + describe(lifted) + ".");
        return;
      }
      lifted.center = center;
      draw(lifted);
      say(describe(lifted));
    }
  });
  svg.addEventListener("focusout", function (event) {
    if (lifted && !lifted.sent && lifted.mode === "keyboard" && event.target === lifted.bar) cancel();
  });

  recall();
})();
