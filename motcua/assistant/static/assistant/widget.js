/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Chat widget of the virtual assistant (docs/assistant.md). Server text goes in by textContent only; the
   conversation stays in this tab's sessionStorage. Without JS the /tro-ly/ link does the job. */
(function () {
  "use strict";
  var root = document.querySelector("[data-asst]"), D = document;
  if (!root || !window.fetch || !("content" in D.createElement("template"))) { return; }
  function $(s) { return root.querySelector(s); }
  function attr(n) { return root.getAttribute(n); }
  var opener = $("[data-asst-open]"), KEY = attr("data-store"), WHO = attr("data-who"), T = {},
    panel, title, body, log, chips, form, q, proof, code, phone, send, err;
  var UNSURE = 0.5, // below it, the "không chắc chắn" hint
    CODE = /\b\d{3}\.[0-9A-Z.]+-\d{6}-\d{4}\b/i, // a dossier code (dossiers/codes.py)
    PATH = /(^|\s)(\/[a-z][a-z0-9-]*\/(?:\S*[^\s.,;:)])?)/gi, // the site's own paths in an answer
    items = [], statusQ = "", busy = false;

  // Per tab and per signed-in user: logging out or in starts a new conversation.
  try {
    var s = JSON.parse(sessionStorage.getItem(KEY) || "null");
    if (s && s.who === WHO) { items = s.items || []; } else { sessionStorage.removeItem(KEY); }
  } catch (e) { items = []; }
  function save() {
    try { sessionStorage.setItem(KEY, JSON.stringify({ who: WHO, items: items.slice(-40) })); } catch (e) { /* off */ }
  }
  function el(tag, cls, text) { var e = D.createElement(tag); e.className = cls || ""; e.textContent = text || ""; return e; }
  function put(parent, child) { parent.appendChild(child); return child; }
  function linked(span, text) { // "/thu-tuc/1.001193/" → a link; the rest stays text
    var at = 0, m, start;
    PATH.lastIndex = 0;
    while ((m = PATH.exec(text))) {
      start = m.index + m[1].length;
      put(span, D.createTextNode(text.slice(at, start)));
      put(span, el("a", "", m[2])).href = m[2];
      at = start + m[2].length;
    }
    put(span, D.createTextNode(text.slice(at)));
    return span;
  }
  function render(it) {
    var li = put(log, el("li", it.q ? "asst-me" : "asst-bot"));
    put(li, el("span", "asst-who", (it.q ? T.you : T.bot) + ": "));
    put(li, it.q ? el("span", "asst-text", it.q) : linked(el("span", "asst-text"), it.a));
    if (it.a && it.c < UNSURE) { put(li, el("p", "asst-unsure", T.unsure)); }
    if (it.p && it.p.length) {
      put(li, el("p", "asst-cited-head", T.cited));
      var ul = put(li, el("ul", "asst-cited"));
      it.p.forEach(function (p) {
        var a = put(put(ul, el("li")), el("a", "", p.code + " — " + p.name)), u;
        try { u = new URL(p.url, location.href); } catch (e) { u = {}; }
        if (/^https?:$/.test(u.protocol)) { a.href = u.href; } // never a javascript: address
      });
    }
    body.scrollTop = body.scrollHeight;
  }
  function show() { log.textContent = ""; items.forEach(render); chips.hidden = items.length > 0; }
  function add(it) { items.push(it); save(); render(it); chips.hidden = true; }
  function setProof(on, question) {
    proof.hidden = !on;
    phone.value = "";
    if (!on) { return; }
    statusQ = question;
    code.value = code.value || (question.match(CODE) || [""])[0];
    (code.value ? phone : code).focus();
  }
  function csrf() {
    var m = D.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : $("[name=csrfmiddlewaretoken]").value;
  }

  function ask(text) {
    if (busy) { return; }
    var question = text.trim(), withProof = !proof.hidden, data, wait;
    question = question || (withProof ? statusQ : "");
    if (!question) { err.textContent = T.empty; q.focus(); return; }
    data = { question: question, channel: attr("data-channel") };
    if (withProof) { data.dossier_code = code.value.trim(); data.phone = phone.value.trim(); }
    busy = send.disabled = true;
    err.textContent = q.value = "";
    add({ q: question + (data.dossier_code ? " (" + T.code + ": " + data.dossier_code + ")" : "") });
    wait = put(log, el("li", "asst-wait", T.wait));
    function done(message) {
      busy = send.disabled = false;
      if (!panel.contains(D.activeElement)) { q.focus(); } // the disabled button dropped it
      log.removeChild(wait);
      if (message) { // the question goes back to the box: one tap resends it
        items.pop(); save(); show();
        q.value = withProof ? q.value : question;
        err.textContent = message;
      }
    }
    fetch(attr("data-api"), {
      method: "POST", credentials: "same-origin", body: JSON.stringify(data),
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf() }
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (d) {
        var st = d.intent === "status", c = +d.confidence || 0;
        if (!r.ok || typeof d.answer !== "string") {
          return done(r.status === 429 ? T.busy : r.status === 400 ? d.message || T.bad : T.fail);
        }
        done("");
        add({ a: d.answer, p: d.procedures || [], c: st ? 1 : c });
        // A status answer that told nothing (confidence 0) asks for the code and the applicant's phone.
        setProof(st && !c, question);
      });
    }).catch(function () { done(T.net); });
  }

  function toggle(on) {
    panel.hidden = !on;
    opener.setAttribute("aria-expanded", on);
    // Back office: the page narrows beside the docked panel (widget.css).
    if (attr("data-dock") !== null) { D.documentElement.classList.toggle("asst-docked", on); }
    if (!on) { return opener.focus(); }
    // On touch screens the keyboard would hide the panel: focus the title there.
    (window.matchMedia && matchMedia("(pointer: fine)").matches ? q : title).focus();
    body.scrollTop = body.scrollHeight;
  }
  function build() { // the panel, from its <template>, the first time it opens
    root.appendChild($("[data-asst-panel]").content.cloneNode(true));
    JSON.parse($("[data-asst-text]").textContent).forEach(function (t, i) { // widget.html's order
      T["you bot wait cited unsure empty bad busy net code fail".split(" ")[i]] = t;
    });
    panel = $("#asst-panel"); title = $("#asst-title"); body = $(".asst-body"); log = $("[data-asst-log]");
    chips = $("[data-asst-chips]"); form = $(".asst-form"); q = $("#asst-q"); proof = $("fieldset");
    code = $("#asst-code"); phone = $("#asst-phone"); send = $("[data-asst-send]"); err = $("[data-asst-alert]");
    err.setAttribute("role", "alert");
    $("[data-asst-close]").onclick = function () { toggle(false); };
    $("[data-asst-clear]").onclick = function () {
      items = [];
      try { sessionStorage.removeItem(KEY); } catch (e) { /* off */ }
      setProof(false);
      code.value = err.textContent = "";
      show();
      q.focus();
    };
    chips.onclick = function (e) { if (e.target.tagName === "BUTTON") { ask(e.target.textContent); } };
    send.onclick = function () { ask(q.value); };
    form.onkeydown = function (e) { // Enter sends (Shift+Enter: a new line); not while an IME composes
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.target !== send) { e.preventDefault(); ask(q.value); }
    };
    show();
  }
  opener.onclick = function () { if (!panel) { build(); } toggle(panel.hidden); };
  D.addEventListener("keydown", function (e) {
    var a = D.activeElement, f, first, last;
    if (!panel || panel.hidden || a !== D.body && !panel.contains(a)) { return; }
    if (e.key === "Escape" || e.key === "Esc") { e.preventDefault(); return toggle(false); }
    if (e.key !== "Tab" || panel.offsetWidth < innerWidth) { return; }
    // Full screen (phones): Tab stays inside the panel.
    f = [].filter.call(panel.querySelectorAll("a[href],button,input,textarea"), function (x) {
      return !x.disabled && x.offsetParent;
    });
    first = f[0]; last = f[f.length - 1];
    if (e.shiftKey ? a === first || a === title || a === D.body : a === last) {
      e.preventDefault(); (e.shiftKey ? last : first).focus();
    }
  });

  $("[data-asst-link]").hidden = true;
  opener.hidden = false;
}());
