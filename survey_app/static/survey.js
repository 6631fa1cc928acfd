/* Autosave, offline drafts and retry for the respondent form. The form works without it. */
(function () {
  "use strict";
  var form = document.getElementById("survey-form");
  var submitForm = document.getElementById("submit-form");
  var store = window.localStorage;

  function state(el, text, waiting) {
    var box = el.querySelector(".save-state");
    if (!box) return;
    box.hidden = false;
    box.textContent = text;
    box.className = "save-state" + (waiting ? " waiting" : "");
  }

  function collect(f) {
    var answers = {};
    Array.prototype.forEach.call(f.elements, function (el) {
      if (!el.name || el.name === "csrf_token" || el.name === "go" || el.name === "client_key") return;
      if (!(el.name in answers)) answers[el.name] = [];
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      if (el.value !== "") answers[el.name].push(el.value);
    });
    return answers;
  }

  function restore(f, answers) {
    Array.prototype.forEach.call(f.elements, function (el) {
      var values = answers[el.name];
      if (!values) return;
      if (el.type === "radio" || el.type === "checkbox") el.checked = values.indexOf(el.value) >= 0;
      else if (el.tagName !== "BUTTON" && el.type !== "hidden") el.value = values[0] || "";
    });
  }

  function token(f) { return f.querySelector("input[name=csrf_token]").value; }

  function refreshToken(f) {
    return fetch(form ? form.dataset.tokenUrl : f.action.replace(/\/submit$/, "/token"),
                 {credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (j) { f.querySelector("input[name=csrf_token]").value = j.csrf_token; });
  }

  function post(f, url, body, retried) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": token(f)},
      body: JSON.stringify(body)
    }).then(function (r) {
      if (r.status !== 400 || retried) return r;
      return r.clone().json().then(function (j) {
        if (j.status !== "csrf") return r;
        return refreshToken(f).then(function () { return post(f, url, body, true); });
      }, function () { return r; });
    });
  }

  // Wait ms, or less if the phone comes back online.
  function pause(ms) {
    return new Promise(function (done) {
      var t = setTimeout(done, ms);
      window.addEventListener("online", function () { clearTimeout(t); done(); }, {once: true});
    });
  }

  // POST the same body (same client key) until the server answers below 500: a 5xx, a 429
  // or a network error is tried again after 1, 2, 4... s (at most 60 s, jittered), or after
  // Retry-After. Other 4xx are final; the caller shows them.
  function send(f, url, body, waiting) {
    var attempt = 0;
    var again = function (r) {
      var after = r ? parseFloat(r.headers.get("Retry-After")) : NaN;
      var ms = after >= 0 ? after * 1000 : Math.min(60000, 1000 * Math.pow(2, attempt)) * (0.5 + Math.random());
      attempt++;
      waiting();
      return pause(ms).then(go);
    };
    var go = function () {
      return post(f, url, body).then(function (r) {
        return r.status >= 500 || r.status === 429 ? again(r) : r;
      }, function () { return again(null); });
    };
    return go();
  }

  // The server's message of a final refusal (JSON {message}), else the fallback.
  function message(r, fallback) {
    return r.json().then(function (j) { return j.message || fallback; }, function () { return fallback; });
  }

  if (form) {
    var key = "survey:" + form.dataset.key;
    var timer = null;
    var pending = JSON.parse(store.getItem(key) || "null");
    if (pending) { restore(form, pending); }

    var busy = null;
    var flush = function () {
      if (busy) return busy;
      var answers = JSON.parse(store.getItem(key) || "null");
      if (!answers) return Promise.resolve(true);
      state(form, navigator.onLine ? form.dataset.msgSaving : form.dataset.msgWaiting, !navigator.onLine);
      var sent = JSON.stringify(answers);
      busy = send(form, form.dataset.autosave, {answers: answers}, function () {
        state(form, form.dataset.msgWaiting, true);
      }).then(function (r) {
        busy = null;
        if (!r.ok) return message(r, form.dataset.msgWaiting).then(function (m) { state(form, m, true); return false; });
        if (store.getItem(key) === sent) store.removeItem(key); else flush();
        state(form, form.dataset.msgSaved, false);
        return true;
      });
      return busy;
    };

    var changed = function () {
      store.setItem(key, JSON.stringify(collect(form)));
      clearTimeout(timer);
      timer = setTimeout(flush, 800);
    };
    form.addEventListener("change", changed);
    form.addEventListener("input", changed);
    window.addEventListener("online", flush);
    if (pending) flush();

    form.addEventListener("submit", function (ev) {
      if (navigator.onLine) { store.removeItem(key); return; }
      ev.preventDefault();
      store.setItem(key, JSON.stringify(collect(form)));
      state(form, form.dataset.msgWaiting, true);
      window.addEventListener("online", function () { flush().then(function (ok) { if (ok) form.submit(); }); },
                              {once: true});
    });
  }

  if (submitForm) {
    var sent = false;
    var waiting = function () { state(submitForm, submitForm.dataset.msgWaiting, true); };
    var go = function () {
      var keyField = submitForm.querySelector("input[name=client_key]");
      send(submitForm, submitForm.action, {client_key: keyField.value}, waiting).then(function (r) {
        if (r.status === 422) { submitForm.submit(); return; }  // the review page says what is missing
        return r.json().then(function (j) {
          if (r.ok && j.thanks_url) window.location = j.thanks_url;
          else state(submitForm, j.message || String(r.status), true);
        }, function () { state(submitForm, String(r.status), true); });
      });
    };
    submitForm.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (sent) return;
      sent = true;
      submitForm.querySelector("button").disabled = true;
      if (!navigator.onLine) waiting();
      go();
    });
  }
})();
