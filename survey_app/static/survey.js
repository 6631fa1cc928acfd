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
      if (r.status === 400 && !retried) {
        return r.json().then(function (j) {
          if (j.status !== "csrf") throw new Error("bad request");
          return refreshToken(f).then(function () { return post(f, url, body, true); });
        });
      }
      if (r.status >= 500) throw new Error("server " + r.status);
      return r;
    });
  }

  if (form) {
    var key = "survey:" + form.dataset.key;
    var timer = null;
    var pending = JSON.parse(store.getItem(key) || "null");
    if (pending) { restore(form, pending); }

    var flush = function () {
      var answers = JSON.parse(store.getItem(key) || "null");
      if (!answers) return Promise.resolve(true);
      if (!navigator.onLine) { state(form, form.dataset.msgWaiting, true); return Promise.resolve(false); }
      state(form, form.dataset.msgSaving, false);
      return post(form, form.dataset.autosave, {answers: answers}).then(function () {
        if (store.getItem(key) === JSON.stringify(answers)) store.removeItem(key);
        state(form, form.dataset.msgSaved, false);
        return true;
      }).catch(function () { state(form, form.dataset.msgWaiting, true); return false; });
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
    var send = function () {
      var keyField = submitForm.querySelector("input[name=client_key]");
      post(submitForm, submitForm.action, {client_key: keyField.value}).then(function (r) {
        return r.json().then(function (j) {
          if (j.thanks_url) window.location = j.thanks_url; else submitForm.submit();
        });
      }).catch(function () {
        state(submitForm, submitForm.dataset.msgWaiting, true);
        window.addEventListener("online", send, {once: true});
      });
    };
    submitForm.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (sent) return;
      sent = true;
      submitForm.querySelector("button").disabled = true;
      if (navigator.onLine) { send(); return; }
      state(submitForm, submitForm.dataset.msgWaiting, true);
      window.addEventListener("online", send, {once: true});
    });
  }
})();
