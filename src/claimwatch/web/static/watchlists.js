// Watchlist forms: sent as JSON with the write token in the X-Claimwatch-Token header, like POST /api/articles.
// The token is kept for this tab only (sessionStorage), so it is typed once per visit.
"use strict";
(function () {
  var TOKEN_KEY = "claimwatch-token";
  function fields(form) {
    var body = {};
    ["name", "actor", "text", "event", "outlet", "webhook", "email"].forEach(function (k) {
      if (form.elements[k]) { body[k] = form.elements[k].value.trim() || null; }
    });
    if (form.elements.disputes) { body.disputes = form.elements.disputes.checked; }
    return body;
  }
  function message(err) {
    if (err && err.error && err.error.message) { return err.error.message; }
    return "the server refused the request";
  }
  document.querySelectorAll("form.watch-form").forEach(function (form) {
    var token = form.elements.token;
    try { if (token && !token.value) { token.value = sessionStorage.getItem(TOKEN_KEY) || ""; } } catch (e) {}
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var status = form.querySelector(".watch-status");
      var method = form.dataset.method;
      var init = { method: method, headers: { "X-Claimwatch-Token": token.value } };
      if (method !== "DELETE") {
        init.headers["Content-Type"] = "application/json";
        init.body = JSON.stringify(fields(form));
      }
      status.textContent = "Saving…";
      fetch(form.dataset.action, init).then(function (res) {
        if (res.status === 204) { return {}; }
        return res.json().then(function (data) { if (!res.ok) { throw data; } return data; });
      }).then(function (data) {
        try { sessionStorage.setItem(TOKEN_KEY, token.value); } catch (e) {}
        window.location.assign(form.dataset.after || data.page || window.location.pathname);
      }).catch(function (err) {
        status.textContent = "Not saved: " + message(err);
        status.classList.add("watch-error");
      });
    });
  });
})();
