// The portal's only scripts, kept in this file so that the Content-Security-Policy can forbid
// inline ones (script-src 'self'). Each behaviour is switched on by a data- attribute.
(function () {
  "use strict";

  // The language switch submits itself (a button stays for browsers without scripts).
  document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // A document whose file is being made reloads itself, unless the user has started typing.
  if (document.querySelector("[data-refresh]")) {
    var typed = false;
    document.addEventListener("input", function () { typed = true; });
    setTimeout(function check() {
      if (!typed) { window.location.reload(); } else { setTimeout(check, 3000); }
    }, 3000);
  }

  // A roster being checked: its progress bar follows the worker, then the page reloads.
  var progress = document.querySelector("progress[data-progress-url]");
  if (progress) {
    var url = progress.getAttribute("data-progress-url");
    var poll = function () {
      fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (data) {
        progress.value = data.progress;
        // Past a few minutes the page says how long the work has waited for a worker.
        var waiting = document.getElementById("waiting");
        if (waiting) { waiting.textContent = data.waiting || ""; waiting.hidden = !data.waiting; }
        if (data.done) { window.location.reload(); } else { setTimeout(poll, 700); }
      }).catch(function () { setTimeout(poll, 2000); });
    };
    setTimeout(poll, 500);
  }

  // --- Field work without signal (issue 27) -------------------------------------------------
  // The service worker (static/js/sw.js) keeps the field pages; here, what is typed in a form
  // marked data-draft is kept in IndexedDB as it is typed and shown again after a reload; a save
  // made without signal waits in an outbox and is sent once, through the same form POST (same
  // service, same version check), when the signal is back.
  var body = document.body;
  var status = document.getElementById("offline-status");
  var user = body.getAttribute("data-user");

  function say(kind, values) {
    if (!status) { return; }
    var text = status.getAttribute("data-" + kind) || "";
    Object.keys(values || {}).forEach(function (key) { text = text.replace("{" + key + "}", values[key]); });
    var line = document.createElement("p");
    line.className = "offline-" + kind;
    line.textContent = text;
    var old = status.querySelector(".offline-" + kind);
    if (old) { status.replaceChild(line, old); } else { status.appendChild(line); }
    status.hidden = false;
  }
  function unsay(kind) {
    if (!status) { return; }
    var old = status.querySelector(".offline-" + kind);
    if (old) { status.removeChild(old); }
    status.hidden = !status.firstChild;
  }

  if ("serviceWorker" in navigator && body.hasAttribute("data-service-worker")) {
    var controlled = !!navigator.serviceWorker.controller;
    navigator.serviceWorker.register(body.getAttribute("data-service-worker"), {scope: "/"})
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function (registration) {
        // Opened before the worker controlled it: ask the worker to keep this page too.
        if (!controlled && user && registration.active) {
          var assets = Array.prototype.map.call(
            document.querySelectorAll("script[src], link[rel=stylesheet]"),
            function (element) { return element.src || element.href; });
          registration.active.postMessage({type: "keep", url: location.href, assets: assets});
        }
      }).catch(function () {});
    document.querySelectorAll("form[data-forget-offline]").forEach(function (form) {
      form.addEventListener("submit", function () {
        if (navigator.serviceWorker.controller) { navigator.serviceWorker.controller.postMessage({type: "forget"}); }
      });
    });
  }
  if (document.documentElement.hasAttribute("data-kept-copy")) {
    say("kept", {time: document.documentElement.getAttribute("data-rendered-at")});
  }

  if (!user || !window.idb || !window.indexedDB) { return; }
  var database = idb.openDB("ntm-portal", 1, {
    upgrade: function (db) {
      db.createObjectStore("drafts");
      db.createObjectStore("outbox", {autoIncrement: true});
    }
  });

  // A form's fields as [name, value] pairs (files are not kept), and which of them matter.
  function fieldsOf(form) {
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string") { pairs.push([name, value]); }
    });
    return pairs;
  }
  function typed(name) { return name !== "csrfmiddlewaretoken" && name !== "version"; }
  // value_12 and note_12 are one indicator's: one change however many of its fields moved.
  function group(name) { var m = /^[a-z]+_(\d+)$/.exec(name); return m ? m[1] : name; }
  function shown(element) {
    if (element.tagName === "SELECT") { return element.value; }
    return element.value;
  }
  function defaultOf(element) {
    if (element.tagName === "SELECT") {
      var chosen = Array.prototype.filter.call(element.options, function (o) { return o.defaultSelected; })[0];
      return chosen ? chosen.value : (element.options[0] ? element.options[0].value : "");
    }
    return element.defaultValue;
  }
  function changedCount(form) {
    var groups = {};
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!element.name || !typed(element.name) || element.type === "file" || element.type === "submit") { return; }
      if ((element.type === "checkbox" || element.type === "radio") ? element.checked !== element.defaultChecked : shown(element) !== defaultOf(element)) {
        groups[group(element.name)] = true;
      }
    });
    return Object.keys(groups).length;
  }
  function setField(form, name, value) {
    var element = form.elements.namedItem(name);
    if (!element) { return; }
    if (element instanceof RadioNodeList) {
      Array.prototype.forEach.call(element, function (item) { item.checked = item.value === value; });
    } else if (element.type === "checkbox") {
      element.checked = element.value === value;
    } else {
      element.value = value;
    }
  }
  function label(form, name, value) {
    var element = form.elements.namedItem(name);
    if (element && element.tagName === "SELECT") {
      var option = Array.prototype.filter.call(element.options, function (o) { return o.value === value; })[0];
      if (option) { return option.textContent; }
    }
    return value === "" ? status.getAttribute("data-empty") : value;
  }

  function showPending() {
    return database.then(function (db) { return db.getAll("outbox"); }).then(function (items) {
      var count = items.filter(function (item) { return item.user === user; })
        .reduce(function (sum, item) { return sum + item.changed; }, 0);
      if (count) { say("pending", {n: count}); } else { unsay("pending"); }
    });
  }

  // Send what waits, one save at a time, each taken out of the outbox before it is sent (so
  // never twice; put back only when the network failed before an answer).
  function flush() {
    return database.then(function (db) {
      return db.getAllKeys("outbox").then(function (keys) {
        var sent = 0;
        var next = function (index) {
          if (index >= keys.length) { return sent; }
          var tx = db.transaction("outbox", "readwrite");
          var item;
          return tx.store.get(keys[index]).then(function (found) {
            item = found;
            if (!item || item.user !== user) { return tx.done.then(function () { return null; }); }
            return tx.store.delete(keys[index]).then(function () { return tx.done; }).then(function () {
              var payload = new URLSearchParams(item.fields);
              if (item.files) {
                payload = new FormData();
                item.fields.forEach(function (pair) { payload.append(pair[0], pair[1]); });
                item.files.forEach(function (file) { payload.append(file[0], file[1], file[2]); });
              }
              return fetch(item.url, {method: "POST", body: payload, credentials: "same-origin"});
            });
          }).then(function (response) {
            if (!response) { return next(index + 1); }
            var landed = new URL(response.url);
            return response.text().then(function (html) {
              var page = new DOMParser().parseFromString(html, "text/html");
              var reason = page.querySelector(".messages .error");
              if (response.ok && response.redirected && landed.pathname !== item.path && !reason) {
                sent += item.changed;
                return db.delete("drafts", item.draft).then(function () {
                  if (location.pathname === item.path || location.pathname === landed.pathname) {
                    sessionStorage.setItem("ntm-sent", sent);
                    location.assign(landed.href);
                  }
                  return next(index + 1);
                });
              }
              // Refused (the evaluation moved on, a value out of range, a file's content): the
              // draft stays, and the form shows both versions side by side when opened.
              var why = reason ? reason.textContent.trim() : String(response.status);
              say("failed", {reason: why});
              if (location.pathname === item.path) { sessionStorage.setItem("ntm-failed", why); location.reload(); }
              return next(index + 1);
            });
          }, function () {
            // No answer: back into the outbox, to try again with the next signal.
            return db.add("outbox", item).then(function () { return sent; });
          });
        };
        return next(0);
      });
    }).then(function (sent) {
      if (sent) { say("sent", {n: sent}); }
      return showPending();
    });
  }
  function flushOnce() {
    if (!navigator.onLine) { return; }
    if (navigator.locks) { navigator.locks.request("ntm-outbox", flush); } else { flush(); }
  }
  window.addEventListener("online", flushOnce);

  var sentBefore = sessionStorage.getItem("ntm-sent");
  if (sentBefore) { sessionStorage.removeItem("ntm-sent"); say("sent", {n: sentBefore}); }
  var failedBefore = sessionStorage.getItem("ntm-failed");
  if (failedBefore) { sessionStorage.removeItem("ntm-failed"); say("failed", {reason: failedBefore}); }

  document.querySelectorAll("form[data-draft]").forEach(function (form) {
    var path = new URL(form.action, location.href).pathname;
    var key = user + " " + path;
    var versionField = form.elements.namedItem("version");
    var pageVersion = versionField ? versionField.value : "";
    var timer = null;
    function keep() {
      var draft = {fields: fieldsOf(form).filter(function (pair) { return typed(pair[0]); }),
        version: versionField ? versionField.value : "", saved: Date.now()};
      return database.then(function (db) { return db.put("drafts", draft, key); }).then(function () {
        form.setAttribute("data-draft-saved", draft.saved);
      });
    }
    form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(keep, 250); });
    form.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(keep, 250); });

    database.then(function (db) { return db.get("drafts", key); }).then(function (draft) {
      if (!draft) { return; }
      var differing = draft.fields.filter(function (pair) {
        var element = form.elements.namedItem(pair[0]);
        return element && !(element instanceof RadioNodeList) && element.value !== pair[1];
      });
      if (draft.version === pageVersion) {
        draft.fields.forEach(function (pair) { setField(form, pair[0], pair[1]); });
        if (differing.length) { say("restored"); }
        return;
      }
      if (!differing.length) {
        // Saved since (by this phone or anyone) with the same values: nothing left to choose.
        return database.then(function (db) { return db.delete("drafts", key); });
      }
      // Someone else saved in between: each field that differs shows both, the portal's kept
      // in the field until the user chooses. Nothing is overwritten on either side.
      say("conflict");
      differing.forEach(function (pair) {
        var element = form.elements.namedItem(pair[0]);
        var theirs = element.value;
        var box = document.createElement("div");
        box.className = "conflict-choice";
        box.setAttribute("data-field", pair[0]);
        var text = document.createElement("p");
        text.textContent = status.getAttribute("data-theirs") + ": " + label(form, pair[0], theirs) +
          " · " + status.getAttribute("data-mine") + ": " + label(form, pair[0], pair[1]);
        box.appendChild(text);
        [["take-mine", pair[1]], ["take-theirs", theirs]].forEach(function (choice) {
          var button = document.createElement("button");
          button.type = "button";
          button.textContent = status.getAttribute("data-" + choice[0]);
          button.addEventListener("click", function () {
            setField(form, pair[0], choice[1]);
            box.parentNode.removeChild(box);
            keep();
          });
          box.appendChild(button);
        });
        var field = element.closest(".field") || element.parentNode;
        field.appendChild(box);
      });
    });

    form.addEventListener("submit", function (event) {
      if (navigator.onLine) { return; }
      // No signal: the save waits on the phone, and the page says what waits.
      event.preventDefault();
      var item = {user: user, url: new URL(form.action, location.href).href, path: path, draft: key,
        fields: fieldsOf(form), changed: Math.max(changedCount(form), 1), queued: Date.now()};
      keep().then(function () {
        return database.then(function (db) {
          var tx = db.transaction("outbox", "readwrite");
          // One waiting save per form: a second replaces the first (its values include them).
          return tx.store.openCursor().then(function step(cursor) {
            if (!cursor) { return; }
            if (cursor.value.draft === key) { cursor.delete(); }
            return cursor.continue().then(step);
          }).then(function () { return tx.store.add(item); }).then(function () { return tx.done; });
        });
      }).then(function () {
        form.setAttribute("data-queued", item.queued);
        return showPending();
      });
    });
  });

  // Evidence photos and files chosen without signal wait with the fields they go with (the
  // indicator, the note), refused on the phone beyond the portal's size limit, in its words.
  document.querySelectorAll("form[data-offline-files]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (navigator.onLine) { return; }
      event.preventDefault();
      var limit = Number(form.getAttribute("data-max-bytes"));
      var files = [];
      var refused = "";
      Array.prototype.forEach.call(form.querySelectorAll("input[type=file]"), function (input) {
        Array.prototype.forEach.call(input.files, function (file) {
          if (file.size > limit && !refused) {
            refused = form.getAttribute("data-too-big").replace("%(name)s", file.name)
              .replace("%(size)s", String(Math.round(file.size / 1024 / 1024 * 10) / 10));
          }
          files.push([input.name, file, file.name]);
        });
      });
      var old = form.querySelector("p.error.offline-refused");
      if (old) { form.removeChild(old); }
      if (refused || !files.length) {
        if (refused) {
          var line = document.createElement("p");
          line.className = "error offline-refused";
          line.setAttribute("role", "alert");
          line.textContent = refused;
          form.appendChild(line);
        }
        return;
      }
      var action = new URL(form.action, location.href);
      var item = {user: user, url: action.href, path: action.pathname, draft: user + " " + action.pathname,
        fields: fieldsOf(form), files: files, changed: files.length, queued: Date.now()};
      database.then(function (db) { return db.add("outbox", item); }).then(function () {
        form.reset();
        form.setAttribute("data-queued", item.queued);
        return showPending();
      });
    });
  });

  showPending().then(flushOnce);
})();
