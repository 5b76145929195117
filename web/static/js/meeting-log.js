/* The meeting log on a phone with a weak signal. What is typed is kept on this device as a
   draft until the server confirms the meeting saved. A meeting that cannot go yet (no
   connection, the server busy) waits in a queue on the device and is sent again later; one the
   server refuses waits for the person to correct or discard it, apart from the draft. Each
   meeting has its own idempotency key, so a meeting sent twice counts once, and a key is never
   sent again with other text. An ended session is signed in again in place. Drafts and the
   queue belong to the signed-in user and are wiped on sign-out. Without this script the form
   still posts. */
(function () {
  "use strict";

  // The page's words (oversight.js reads them); English when that script is missing.
  var word = window.oversightWord || function (english, values) {
    return english.replace(/\{(\w+)\}/g, function (all, name) {
      return values && name in values ? String(values[name]) : all;
    });
  };
  var PREFIX = "oversight:";
  var RETRY_EVERY = 20000;
  // A server's Retry-After is honoured up to this long; past it, the next check tries again.
  var LONGEST_WAIT = 6 * 3600 * 1000;
  // The worker's cache of pages a user was shown; its shell of styles and scripts holds no data.
  var PAGES_CACHE = "oversight-pages";
  var sending = null;
  var signedOut = false;
  var justSent = null;
  // The key of a queued meeting open in this tab's form: not sent from under the person.
  var openHere = null;

  function userId() { return document.body.getAttribute("data-user") || ""; }
  function keyOf(kind) { return PREFIX + kind + ":" + userId(); }

  function load(kind, fallback) {
    try {
      var raw = window.localStorage.getItem(keyOf(kind));
      return raw ? JSON.parse(raw) : fallback;
    } catch (e) { return fallback; }
  }

  function keep(kind, value) {
    try {
      if (value === null || (Array.isArray(value) && !value.length)) {
        window.localStorage.removeItem(keyOf(kind));
      } else {
        window.localStorage.setItem(keyOf(kind), JSON.stringify(value));
      }
    } catch (e) { /* storage full or refused: the form still posts */ }
  }

  function newKey() {
    var bytes = new Uint8Array(18);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    if (text) { el.textContent = text; }
    return el;
  }

  function meetings(n) { return n === 1 ? word("1 meeting") : word("{count} meetings", {count: n}); }

  /* A problem said in the page's message area, as the server's own messages are. */
  function tell(text) {
    var area = document.getElementById("flash");
    if (!area) { return; }
    var p = element("p", "flash-error");
    p.appendChild(element("strong", "", word("Problem:") + " "));
    p.appendChild(document.createTextNode(text));
    area.replaceChildren(p);
  }

  // ---- the anti-forgery token of the current session ----------------------------------

  function csrf() {
    var field = document.querySelector("input[name=csrf_token]");
    if (field) { return field.value; }
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRF-Token"]; }
    catch (e) { return ""; }
  }

  function setCsrf(token) {
    document.querySelectorAll("input[name=csrf_token]").forEach(function (f) { f.value = token; });
    document.body.setAttribute("hx-headers", JSON.stringify({"X-CSRF-Token": token}));
  }

  /* Asks the server who is signed in: "ok" (with a fresh token) when it is still this user,
     "signedOut", or "offline" when the server cannot be reached. */
  function refreshSession() {
    return fetch("/meetings/new/session", {
      credentials: "same-origin",
      headers: {"HX-Request": "true", "Accept": "application/json"}
    }).then(function (r) {
      if (r.status >= 500) { return "offline"; }
      if (!r.ok) { return "signedOut"; }
      return r.json().then(function (s) {
        if (String(s.user_id) !== userId()) { return "signedOut"; }
        setCsrf(s.csrf_token);
        return "ok";
      });
    }, function () { return "offline"; });
  }

  // ---- what the server answered ---------------------------------------------------------

  /* Milliseconds to wait that a Retry-After header asks for, or 0. */
  function retryAfter(r) {
    var value = r.headers.get("Retry-After");
    if (!value) { return 0; }
    var wait = /^\d+$/.test(value.trim()) ? Number(value) * 1000 : Date.parse(value) - Date.now();
    return isNaN(wait) ? 0 : Math.max(0, Math.min(wait, LONGEST_WAIT));
  }

  /* What a refusal says, in the server's words where it gave any. */
  function said(r) {
    return r.text().then(function (text) {
      if ((r.headers.get("content-type") || "").indexOf("json") !== -1) {
        try {
          var problem = JSON.parse(text);
          return problem.detail || problem.message || problem.title || "";
        } catch (e) { return ""; }
      }
      var page = new DOMParser().parseFromString(text, "text/html");
      var found = page.querySelector(".field-error, .flash-error, main [role=alert], main p");
      return found ? withoutLabel(found) : "";
    }).then(function (text) {
      return (text || word("The server refused this meeting ({status}).", {status: r.status}))
        .slice(0, 400);
    }, function () { return word("The server refused this meeting ({status}).", {status: r.status}); });
  }

  /* A message's text without the label it opens with ("Error:", "Problema:"), in whatever
     language the page was made in: the label is the message's first <strong>. */
  function withoutLabel(p) {
    var copy = p.cloneNode(true);
    var first = copy.firstElementChild;
    var before = first ? copy.textContent.slice(0, copy.textContent.indexOf(first.textContent))
                       : "x";
    if (first && first.tagName === "STRONG" && !before.trim()) { first.remove(); }
    return copy.textContent.trim();
  }

  /* The problems of a form the server sent back, by field: [{name, text}]. */
  function problemsIn(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var found = [];
    page.querySelectorAll(".field-error").forEach(function (p) {
      found.push({name: (p.id || "").replace(/-error$/, ""),
                  text: withoutLabel(p)});
    });
    page.querySelectorAll("#log-meeting > .flash-error").forEach(function (p) {
      found.push({name: "", text: withoutLabel(p)});
    });
    return found.length ? found : [{name: "", text: word("The server refused this meeting.")}];
  }

  function post(item) {
    var body = new URLSearchParams();
    item.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
    body.set("idempotency_key", item.key);
    body.set("csrf_token", csrf());
    body.set("step", "save");
    return fetch("/meetings", {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"HX-Request": "true", "Accept": "application/json", "X-CSRF-Token": csrf()}
    });
  }

  /* One meeting sent: {saved}, {taken: message} when its key went with other text,
     {invalid: form html}, {refused: message}, {signedOut}, or {later, wait} when it should
     go again later (no connection, the server failing or busy). */
  function sendOne(item, retried) {
    return post(item).then(function (r) {
      var json = (r.headers.get("content-type") || "").indexOf("application/json") === 0;
      if (r.ok && json) {
        return r.json().then(function (saved) { return {saved: saved}; });
      }
      if (r.status === 409 && json) {
        return r.json().then(function (answer) {
          return answer.taken ? {taken: answer.message} : {refused: answer.message || ""};
        });
      }
      if (r.status === 401) { return {signedOut: true}; }
      if (r.status === 403 && !retried) {
        // The token went stale (the session was renewed since the page was made).
        return refreshSession().then(function (state) {
          if (state === "ok") { return sendOne(item, true); }
          return state === "offline" ? {later: true, wait: 0} : {signedOut: true};
        });
      }
      if (r.status === 422) {
        return r.text().then(function (html) { return {invalid: html}; });
      }
      // Worth sending again: the server failed or was busy, or the request timed out.
      if (r.status >= 500 || r.status === 408 || r.status === 429) {
        return {later: true, wait: retryAfter(r)};
      }
      if (r.status >= 400) {
        return said(r).then(function (text) { return {refused: text}; });
      }
      // A page where the meeting's answer should be: a network's sign-in page, not ours.
      return {later: true, wait: 0};
    }, function () { return {later: true, wait: 0}; });
  }

  // ---- the queue ----------------------------------------------------------------------

  function queue() { return load("outbox", []); }

  function waiting() {
    return queue().filter(function (i) { return !i.attention && i.key !== openHere; });
  }

  function needing() { return queue().filter(function (i) { return i.attention; }); }

  function change(key, update) {
    keep("outbox", queue().map(function (i) { return i.key === key ? update(i) || i : i; }));
  }

  function enqueue(item) {
    var items = queue().filter(function (i) { return i.key !== item.key; });
    items.push(item);
    keep("outbox", items);
    showQueue();
  }

  function dequeue(key) {
    keep("outbox", queue().filter(function (i) { return i.key !== key; }));
    showQueue();
  }

  /* A queued meeting the server will not take as it is: it waits for the person. */
  function needsAttention(item, attention) {
    change(item.key, function (i) {
      i.attention = attention;
      if (attention.newKey) { i.key = attention.newKey; }
      return i;
    });
  }

  function statusLine() {
    var line = document.getElementById("outbox-status");
    if (!line) {
      var main = document.getElementById("main");
      if (!main) { return null; }
      line = element("p", "outbox");
      line.id = "outbox-status";
      line.setAttribute("role", "status");
      main.insertBefore(line, main.firstChild);
    }
    return line;
  }

  function openLink(key, text) {
    var link = element("a", "", text);
    link.href = "/meetings/new?queued=" + encodeURIComponent(key);
    // A whole page, not one swapped in by htmx: offline it comes from the worker's copy.
    link.setAttribute("hx-boost", "false");
    link.addEventListener("click", function () {
      var form = document.getElementById("log-meeting");
      if (form && form.oversight) { form.oversight.keepNow(); }
    });
    return link;
  }

  /* What waits on this device, and what to do about it; `note` says why it waits. */
  function showQueue(note) {
    var line = statusLine();
    if (!line) { return; }
    var parts = [];
    var ready = waiting();
    var w = ready.length;
    var attention = needing();
    var form = document.getElementById("log-meeting");
    if (w) {
      parts.push(document.createTextNode(
        (note ? word("{meetings} waiting to send: {why}.", {meetings: meetings(w), why: note})
              : word("{meetings} waiting to send.", {meetings: meetings(w)})) + " "));
      if (!signedOut) {
        // To look at again, or discard, before it goes.
        parts.push(openLink(ready[0].key, w === 1 ? word("Open it") : word("Open the first")));
      } else {
        if (form && document.getElementById("sign-in-again")) {
          var button = element("button", "secondary", word("Sign in again"));
          button.type = "button";
          button.addEventListener("click", function () { askToSignIn(flush); });
          parts.push(button);
        } else {
          var there = element("a", "", word("Open Log a meeting to sign in and send them"));
          there.href = "/meetings/new";
          there.setAttribute("hx-boost", "false");
          parts.push(there);
        }
      }
    } else if (justSent) {
      parts.push(document.createTextNode(word("{meetings} sent.", {meetings: meetings(justSent.count)}) + " "));
      var opened = element("a", "", word("Open the meeting"));
      opened.href = justSent.url;
      parts.push(opened);
    }
    if (attention.length) {
      var open = form && form.oversight && form.oversight.editing;
      var others = attention.filter(function (i) { return i.key !== open; });
      if (others.length) {
        if (parts.length) { parts.push(element("br")); }
        parts.push(document.createTextNode(others.length === 1
          ? word("1 meeting needs your attention: it was not sent.") + " "
          : word("{count} meetings need your attention: they were not sent.",
                 {count: others.length}) + " "));
        parts.push(openLink(others[0].key, others.length === 1 ? word("Open it") : word("Open the first")));
      }
    }
    line.replaceChildren.apply(line, parts);
    line.classList.toggle("waiting", w > 0 || attention.length > 0);
  }

  /* Sends what waits, oldest first, leaving aside what needs the person; stops at the first
     that cannot go yet. */
  function flush() {
    if (sending) { return sending; }
    sending = (function next(sent) {
      var items = waiting();
      if (!items.length) { return Promise.resolve({sent: sent}); }
      var item = items[0];
      if (item.notBefore && item.notBefore > Date.now()) {
        return Promise.resolve({sent: sent, later: true});
      }
      return sendOne(item, false).then(function (result) {
        if (result.saved) {
          dequeue(item.key);
          return next(sent.concat([result.saved]));
        }
        if (result.invalid) {
          needsAttention(item, {problems: problemsIn(result.invalid)});
          return next(sent);
        }
        if (result.refused) {
          needsAttention(item, {problems: [{name: "", text: result.refused}]});
          return next(sent);
        }
        if (result.taken) {
          // Never sent again under that key: it is another meeting, for the person to look at.
          needsAttention(item, {problems: [{name: "", text: result.taken}], newKey: newKey()});
          return next(sent);
        }
        if (result.later && result.wait) {
          change(item.key, function (i) { i.notBefore = Date.now() + result.wait; return i; });
        }
        return {sent: sent, signedOut: result.signedOut, later: result.later};
      });
    })([]).then(function (outcome) {
      sending = null;
      signedOut = !!outcome.signedOut;
      if (outcome.sent.length) {
        justSent = {count: outcome.sent.length, url: outcome.sent[outcome.sent.length - 1].url};
      }
      if (outcome.signedOut) {
        showQueue(word("your session ended"));
      } else if (outcome.later) {
        showQueue(word("it goes as soon as the connection is back"));
      } else {
        showQueue();
      }
      return outcome;
    }, function (exc) { sending = null; throw exc; });
    return sending;
  }

  function flushWhenDue() {
    if (navigator.onLine && waiting().some(function (i) {
      return !i.notBefore || i.notBefore <= Date.now();
    })) { flush(); }
  }

  // ---- the form -----------------------------------------------------------------------

  function fieldsOf(form) {
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrf_token" && name !== "who_q" && name !== "idempotency_key" &&
          typeof value === "string") {
        pairs.push([name, value]);
      }
    });
    return pairs;
  }

  function keyField(form) { return form.querySelector("input[name=idempotency_key]"); }

  function picked(form) {
    return Array.prototype.map.call(form.querySelectorAll("#who-chosen li.pick"), function (li) {
      return {kind: li.getAttribute("data-kind"), id: li.getAttribute("data-id"),
              name: li.getAttribute("data-name"), detail: li.getAttribute("data-detail") || ""};
    });
  }

  function row(form, who) {
    var target = who.kind === "target";
    var li = element("li", "pick");
    li.setAttribute("data-kind", who.kind);
    li.setAttribute("data-id", who.id);
    li.setAttribute("data-name", who.name);
    if (who.detail) { li.setAttribute("data-detail", who.detail); }
    var box = document.createElement("input");
    box.type = "checkbox";
    box.id = (target ? "met-" : "att-") + who.id;
    box.name = target ? "target_ids" : "attendee_ids";
    box.value = who.id;
    var label = element("label", "", who.name);
    label.htmlFor = box.id;
    if (who.detail) {
      label.appendChild(document.createTextNode(" "));
      label.appendChild(element("span", "muted", who.detail));
    }
    li.appendChild(box);
    li.appendChild(label);
    if (target) {
      // A stance only for a decision-maker, chosen from the form's own list of stances.
      var hidden = element("label", "visually-hidden", word("Stance of {name} after the meeting",
                                {name: who.name}));
      hidden.htmlFor = "stance-" + who.id;
      var select = element("select", "stance-select");
      select.id = "stance-" + who.id;
      select.name = "stance_" + who.id;
      [["", word("Stance: no change")]].concat(JSON.parse(form.getAttribute("data-stances") || "[]"))
        .forEach(function (choice) {
          var option = element("option", "", choice[1]);
          option.value = choice[0];
          select.appendChild(option);
        });
      li.appendChild(hidden);
      li.appendChild(select);
    }
    return li;
  }

  // ---- follow-up task rows, added on the device (without a connection too) ------------

  function taskIndexes(form) {
    return Array.prototype.map.call(form.querySelectorAll("#follow-up-rows .follow-up"),
      function (div) { return Number(div.id.replace("follow-up-", "")); });
  }

  function addTaskRow(form, i) {
    if (form.querySelector("#follow-up-" + i)) { return null; }
    var first = form.querySelector("#follow-up-rows .follow-up");
    if (!first) { return null; }
    var fresh = first.cloneNode(true);
    fresh.id = "follow-up-" + i;
    fresh.querySelectorAll(".field-error").forEach(function (p) { p.remove(); });
    fresh.querySelectorAll(".has-error").forEach(function (d) { d.classList.remove("has-error"); });
    fresh.querySelectorAll("input, select, label").forEach(function (el) {
      ["id", "name", "for"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) { el.setAttribute(attr, value.replace(/_\d+$/, "_" + i)); }
      });
      el.removeAttribute("aria-invalid");
      el.removeAttribute("aria-describedby");
      if (el.tagName === "INPUT") { el.value = ""; }
      if (el.tagName === "SELECT") { el.selectedIndex = 0; }
      if (el.tagName === "LABEL" && /^task_title_/.test(el.getAttribute("for"))) {
        el.textContent = word("Task {number}", {number: i + 1});
      }
    });
    var rows = form.querySelector("#follow-up-rows");
    var after = Array.prototype.filter.call(rows.children, function (div) {
      return Number(div.id.replace("follow-up-", "")) > i;
    })[0];
    rows.insertBefore(fresh, after || null);
    showAddTask(form);
    return fresh;
  }

  function showAddTask(form) {
    var button = form.querySelector("#add-follow-up");
    var most = Number(form.getAttribute("data-max-follow-ups") || 20);
    if (button && taskIndexes(form).length >= most) {
      var said = element("p", "muted", word("That is the most follow-ups one meeting can have."));
      said.id = "add-follow-up";
      button.replaceWith(said);
    }
  }

  // ---- drafts ---------------------------------------------------------------------------

  function restore(form, draft) {
    var chosen = form.querySelector("#who-chosen");
    (draft.picked || []).forEach(function (who) {
      var box = form.querySelector("#" + (who.kind === "target" ? "met-" : "att-") + who.id);
      if (box) { chosen.appendChild(box.closest("li")); } else { chosen.appendChild(row(form, who)); }
    });
    var values = {};
    draft.fields.forEach(function (pair) {
      (values[pair[0]] = values[pair[0]] || []).push(pair[1]);
      var task = /^task_(?:title|due|assignee)_(\d+)$/.exec(pair[0]);
      if (task) { addTaskRow(form, Number(task[1])); }
    });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrf_token" || el.name === "step" || el.name === "who_q" ||
          el.name === "idempotency_key") { return; }
      var given = values[el.name] || [];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = given.indexOf(el.value) !== -1;
      } else if (el.name in values) {
        el.value = given[0];
      }
    });
    keyField(form).value = draft.key;
  }

  /* The form's date and time moved on to now: a copy of the form made earlier (the one kept
     for use offline) would otherwise say when it was last loaded online. */
  function timeNow(form) {
    var field = form.querySelector("#held_at");
    var made = Number(form.getAttribute("data-rendered-at"));
    var shown = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)/.exec(field ? field.value : "");
    if (!shown || !made) { return; }
    var since = Date.now() - made;
    if (since < 60000) { return; }
    var then = Date.UTC(+shown[1], shown[2] - 1, +shown[3], +shown[4], +shown[5]);
    var now = new Date(then + since);
    var two = function (n) { return ("0" + n).slice(-2); };
    field.value = now.getUTCFullYear() + "-" + two(now.getUTCMonth() + 1) + "-" +
      two(now.getUTCDate()) + "T" + two(now.getUTCHours()) + ":" + two(now.getUTCMinutes());
  }

  /* Problems found before the meeting goes anywhere, as the server would find them: the
     lengths it allows, and a meeting with nobody met and nothing said. */
  function onTheDevice(form) {
    var found = [];
    var summary = form.querySelector("#summary");
    if (summary && !summary.value.trim() &&
        !form.querySelector("input[name=target_ids]:checked, input[name=attendee_ids]:checked")) {
      found.push({name: "summary", text: word("A meeting needs someone who was there or a " +
                  "summary: tick who you met, or write what happened.")});
    }
    form.querySelectorAll("textarea[maxlength], input[maxlength]").forEach(function (el) {
      if (el.maxLength > 0 && el.value.length > el.maxLength) {
        found.push({name: el.name, text: word("At most {most} characters; this has {has}.", {
                      most: el.maxLength.toLocaleString("en-US"),
                      has: el.value.length.toLocaleString("en-US")})});
      }
    });
    return found;
  }

  function labelOf(form, name) {
    var words = {target_ids: word("Who was there"), attendee_ids: word("Who was there"),
                 stances_observed: word("Stances after the meeting")};
    if (words[name]) { return words[name]; }
    var field = form.querySelector("#" + CSS.escape(name.replace(/^task_due_on_/, "task_due_")));
    var label = field && form.querySelector("label[for='" + field.id + "']");
    return label ? label.firstChild.textContent.trim() : "";
  }

  /* Problems shown at the top of the form, each field marked; the first is focused. */
  function showProblems(form, problems, heading) {
    form.querySelectorAll(".device-problems").forEach(function (box) { box.remove(); });
    form.querySelectorAll("[aria-invalid=true][data-device-problem]").forEach(function (el) {
      el.removeAttribute("aria-invalid");
      el.removeAttribute("data-device-problem");
    });
    if (!problems.length) { return null; }
    var box = element("div", "flash-error device-problems");
    box.setAttribute("role", "alert");
    box.tabIndex = -1;
    box.appendChild(element("p", "", heading));
    var list = element("ul");
    problems.forEach(function (problem) {
      var label = problem.name ? labelOf(form, problem.name) : "";
      list.appendChild(element("li", "", (label ? label + ": " : "") + problem.text));
      var field = problem.name && form.querySelector("#" + CSS.escape(problem.name));
      if (field) {
        field.setAttribute("aria-invalid", "true");
        field.setAttribute("data-device-problem", "");
      }
    });
    box.appendChild(list);
    form.insertBefore(box, keyField(form).nextSibling);
    return box;
  }

  function replaceForm(html) {
    var form = document.getElementById("log-meeting");
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var fresh = holder.querySelector("#log-meeting");
    if (!form || !fresh) { return null; }
    var editing = form.oversight && form.oversight.editing;
    form.replaceWith(fresh);
    if (window.htmx) { window.htmx.process(fresh); }
    setUp(fresh, {editing: editing});
    var problems = fresh.querySelector(".form-problems");
    if (problems) { problems.scrollIntoView(); }
    return fresh;
  }

  // Rows seen while online, for picking by typing when offline.
  function remember(form) {
    var known = load("known", []);
    var ids = {};
    known.forEach(function (w) { ids[w.kind + w.id] = true; });
    form.querySelectorAll("li.pick").forEach(function (li) {
      var who = {kind: li.getAttribute("data-kind"), id: li.getAttribute("data-id"),
                 name: li.getAttribute("data-name"), detail: li.getAttribute("data-detail") || ""};
      if (!ids[who.kind + who.id]) { known.unshift(who); ids[who.kind + who.id] = true; }
    });
    keep("known", known.slice(0, 300));
  }

  function findOffline(form, text) {
    var found = form.querySelector("#who-found");
    var chosen = {};
    picked(form).forEach(function (w) { chosen[w.kind + w.id] = true; });
    var needle = text.trim().toLowerCase();
    var list = element("ul", "pick-list");
    load("known", []).filter(function (w) {
      return !chosen[w.kind + w.id] && w.name.toLowerCase().indexOf(needle) !== -1;
    }).slice(0, 10).forEach(function (w) { list.appendChild(row(form, w)); });
    var note = element("p", "help", list.children.length
      ? word("Offline: from those this device has seen.")
      : word("Offline, and nobody this device has seen matches."));
    found.replaceChildren(note, list);
  }

  // ---- signing in again, in place -----------------------------------------------------

  var afterSignIn = null;

  function askToSignIn(retry) {
    var dialog = document.getElementById("sign-in-again");
    if (!dialog || !dialog.showModal) { return; }
    document.getElementById("sign-in-again-error").textContent = "";
    if (!dialog.open) { dialog.showModal(); }
    document.getElementById("again-password").focus();
    afterSignIn = retry;
  }

  function signIn(email, password, code) {
    return fetch("/login", {credentials: "same-origin"}).then(function (r) {
      return r.text();
    }).then(function (html) {
      var page = new DOMParser().parseFromString(html, "text/html");
      var token = page.querySelector("input[name=csrf_token]");
      var body = new URLSearchParams({email: email, password: password, code: code,
                                      next: "/meetings/new/session",
                                      csrf_token: token ? token.value : ""});
      return fetch("/login", {method: "POST", body: body, credentials: "same-origin"});
    }).then(function (r) {
      if (r.ok && new URL(r.url).pathname === "/meetings/new/session") {
        return r.json().then(function (s) {
          if (String(s.user_id) !== userId()) {
            throw new Error(word("That is another account. Sign out, then sign in as yourself."));
          }
          setCsrf(s.csrf_token);
        });
      }
      return r.text().then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var found = page.querySelector(".error");
        throw new Error(found ? found.textContent.trim() : word("Could not sign in. Try again."));
      });
    });
  }

  function setUpDialog() {
    var dialog = document.getElementById("sign-in-again");
    if (!dialog || dialog.getAttribute("data-ready")) { return; }
    dialog.setAttribute("data-ready", "true");
    document.getElementById("sign-in-again-form").addEventListener("submit", function (e) {
      e.preventDefault();
      var error = document.getElementById("sign-in-again-error");
      var password = document.getElementById("again-password");
      var code = document.getElementById("again-code");
      var email = document.getElementById("log-meeting").getAttribute("data-email");
      error.textContent = "";
      signIn(email, password.value, code.value).then(function () {
        password.value = "";
        code.value = "";
        dialog.close();
        signedOut = false;
        var retry = afterSignIn;
        afterSignIn = null;
        if (retry) { retry(); }
      }, function (exc) {
        error.textContent = exc.message === "Failed to fetch"
          ? word("The server could not be reached. Try again when the connection is back.")
          : exc.message;
      });
    });
    document.getElementById("sign-in-again-cancel").addEventListener("click", function () {
      dialog.close();
      afterSignIn = null;
      showQueue(word("sign in again to send"));
    });
  }

  // ---- saving -------------------------------------------------------------------------

  /* The form made ready for the next meeting: empty, a key of its own, the time now. */
  function blank(form) {
    form.reset();
    form.querySelectorAll("#who-chosen li.pick").forEach(function (li) { li.remove(); });
    form.querySelectorAll("#follow-up-rows .follow-up").forEach(function (div, n) {
      if (n > 0) { div.remove(); }
    });
    keyField(form).value = newKey();
    timeNow(form);
    showProblems(form, [], "");
  }

  function setUp(form, options) {
    var timer = null;
    var busy = false;
    var state = {editing: null};
    form.oversight = state;
    form.setAttribute("data-ready", "true");

    function itemOf() {
      return {key: keyField(form).value, fields: fieldsOf(form), picked: picked(form),
              at: Date.now()};
    }

    /* What is typed, kept on the device: as the draft, or, for a queued meeting opened to
       correct, in its place in the queue. Never while a save is under way. */
    function keepNow() {
      window.clearTimeout(timer);
      if (busy) { return; }
      var item = itemOf();
      if (state.editing) {
        change(state.editing, function (i) {
          i.fields = item.fields;
          i.picked = item.picked;
          return i;
        });
      } else {
        keep("draft", {key: item.key, fields: item.fields, picked: item.picked});
      }
    }
    state.keepNow = keepNow;

    function later() {
      window.clearTimeout(timer);
      if (busy) { return; }
      timer = window.setTimeout(keepNow, 250);
    }

    /* A queued meeting the server refused, opened in the form in place of the draft (which
       stays as it was on the device): its problems shown, to correct and save, or discard. */
    function open(item, problems) {
      state.editing = item.key;
      openHere = item.key;
      var box = showProblems(form, problems.length ? problems : [{name: "", text: ""}],
                             item.attention
                               ? word("This meeting was not sent. Correct it and save it, or discard it.")
                               : word("This meeting waits on this device to be sent. Save it to send " +
                                      "it now, or discard it."));
      if (!problems.length) { box.querySelector("ul").remove(); }
      var discard = element("button", "secondary", word("Discard this meeting"));
      discard.type = "button";
      discard.addEventListener("click", function () {
        if (!window.confirm(word("Discard this meeting? It was never saved, and will be gone."))) {
          return;
        }
        busy = true;
        dequeue(state.editing);
        window.location.assign("/meetings/new");
      });
      box.appendChild(discard);
      box.focus();
    }

    var queuedKey = new URLSearchParams(window.location.search).get("queued");
    var opened = queue().filter(function (i) {
      return i.key === (options.editing || queuedKey);
    })[0];
    var problems = form.querySelector(".form-problems");
    if (opened && options.editing) {
      // The server's answer to correcting it, with its problems marked in place.
      state.editing = opened.key;
      keepNow();
      open(opened, []);
    } else if (opened) {
      restore(form, opened);
      open(opened, (opened.attention && opened.attention.problems) || []);
    } else if (options.fresh) {
      var draft = load("draft", null);
      if (form.getAttribute("data-kept")) {
        // Brought back from before a sign-in by the server: what the person typed, as is.
        keepNow();
      } else if (draft && draft.fields && !problems) {
        restore(form, draft);
      } else if (!problems) {
        // The page may come from the offline copy: every new meeting has a key of its own.
        keyField(form).value = newKey();
        timeNow(form);
      }
    } else {
      keepNow();
    }
    if (queuedKey && !opened && window.history.replaceState) {
      window.history.replaceState(null, "", "/meetings/new");
    }
    remember(form);

    form.addEventListener("input", later);
    form.addEventListener("change", function (e) {
      var box = e.target;
      if (box.type === "checkbox" && box.closest("li.pick")) {
        if (box.checked && box.closest("#who-found")) {
          form.querySelector("#who-chosen").appendChild(box.closest("li"));
          box.focus();
        }
        // Unticked, their stance goes too: its picker is hidden with the box cleared.
        var stance = box.closest("li.pick").querySelector(".stance-select");
        if (!box.checked && stance) { stance.value = ""; }
      }
      keepNow();
    });
    form.addEventListener("click", function (e) {
      // Another task row is made here, so it can be added without a connection.
      if (!e.target.closest || !e.target.closest("#add-follow-up")) { return; }
      e.preventDefault();
      e.stopPropagation();
      var used = taskIndexes(form);
      var added = addTaskRow(form, used.length ? Math.max.apply(null, used) + 1 : 0);
      if (added) { added.querySelector("input").focus(); }
      keepNow();
    }, true);
    form.addEventListener("submit", function (e) {
      var step = e.submitter && e.submitter.name === "step" ? e.submitter.value : "save";
      if (step === "task") { return; }
      e.preventDefault();
      if (step === "find") {
        var q = form.querySelector("#who-q");
        if (navigator.onLine) { window.htmx.trigger(q, "search"); } else { findOffline(form, q.value); }
        return;
      }
      if (!busy) { save(); }
    });
    form.addEventListener("htmx:beforeRequest", function (e) {
      if (!navigator.onLine && e.target.id === "who-q") {
        e.preventDefault();
        findOffline(form, e.target.value);
      }
    });
    form.addEventListener("htmx:afterSwap", function () { remember(form); later(); });

    function save() {
      var found = onTheDevice(form);
      if (found.length) {
        showProblems(form, found, word("Not saved yet: correct what is marked.")).focus();
        return;
      }
      showProblems(form, [], "");
      window.clearTimeout(timer);
      // From here until the server answers, nothing is written back as the draft: what is
      // typed now belongs to this save, under this key.
      var item = itemOf();
      var editing = state.editing;
      busy = true;
      var button = form.querySelector("button.save");
      button.disabled = true;
      function done() { busy = false; button.disabled = false; }
      sendOne(item, false).then(function (result) {
        if (result.saved) {
          if (editing) {
            dequeue(editing);
          } else {
            var draft = load("draft", null);
            if (!draft || draft.key === item.key) { keep("draft", null); }
          }
          form.setAttribute("data-saved", "true");
          window.location.assign(result.saved.url);
          return;
        }
        done();
        if (result.signedOut) {
          signedOut = true;
          keepNow();
          askToSignIn(save);
        } else if (result.taken) {
          // The key went with other text: what is typed here becomes a new meeting.
          keyField(form).value = newKey();
          if (editing) {
            change(editing, function (i) { i.key = keyField(form).value; return i; });
            state.editing = keyField(form).value;
          }
          keepNow();
          showProblems(form, [{name: "", text: result.taken}], word("Not saved yet.")).focus();
        } else if (result.invalid) {
          if (editing) {
            change(editing, function (i) {
              i.attention = {problems: problemsIn(result.invalid)};
              return i;
            });
          }
          replaceForm(result.invalid);
        } else if (result.refused) {
          if (editing) {
            change(editing, function (i) {
              i.attention = {problems: [{name: "", text: result.refused}]};
              return i;
            });
          }
          keepNow();
          showProblems(form, [{name: "", text: result.refused}],
                       word("The server did not save this meeting.")).focus();
        } else {
          // Kept on the device and sent later; the form is free for the next meeting.
          item.notBefore = result.wait ? Date.now() + result.wait : 0;
          if (editing) {
            dequeue(editing);
            enqueue(item);
            busy = true;
            window.location.assign("/meetings/new");
            return;
          }
          enqueue(item);
          var draft2 = load("draft", null);
          if (!draft2 || draft2.key === item.key) { keep("draft", null); }
          blank(form);
          showQueue(word("it goes as soon as the connection is back"));
          window.scrollTo(0, 0);
        }
      });
    }
  }

  function setUpPage() {
    var form = document.getElementById("log-meeting");
    if (form && !form.getAttribute("data-ready")) {
      setUpDialog();
      setUp(form, {fresh: true});
    }
    showQueue();
  }

  // ---- signing out ----------------------------------------------------------------------

  function wipe() {
    Object.keys(window.localStorage).forEach(function (k) {
      if (k.indexOf(PREFIX) === 0) { window.localStorage.removeItem(k); }
    });
    if (window.caches) {
      // The pages kept for offline use hold what this user was shown; the shell of styles and
      // scripts holds nothing of theirs and stays, so the form still opens offline.
      window.caches.keys().then(function (keys) {
        keys.filter(function (k) { return k.indexOf(PAGES_CACHE) === 0; })
          .forEach(function (k) { window.caches.delete(k); });
      });
    }
  }

  /* Sign-out wipes what this device kept for the account, once the server has ended the
     session: offline, nothing is wiped and nobody is signed out. */
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.getAttribute("action") !== "/logout") { return; }
    e.preventDefault();
    var offline = word("Signing out needs a connection. Nothing was changed: try again once you " +
      "are back online.");
    if (!navigator.onLine) { tell(offline); return; }
    var n = queue().length;
    if (n && !window.confirm(n === 1
        ? word("1 meeting has not been sent yet and will be lost. Sign out anyway?")
        : word("{count} meetings have not been sent yet and will be lost. Sign out anyway?",
               {count: n}))) {
      return;
    }
    var body = new URLSearchParams(new FormData(form));
    body.set("csrf_token", csrf());
    fetch("/logout", {method: "POST", body: body, credentials: "same-origin"}).then(function (r) {
      if (!r.ok) {
        tell(word("Could not sign out ({status}). Reload the page and try again.", {status: r.status}));
        return;
      }
      wipe();
      window.location.assign("/login");
    }, function () { tell(offline); });
  }, true);

  function start() {
    if (!userId()) { return; }
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register("/sw.js").catch(function () { /* not installable here */ });
    }
    setUpPage();
    flushWhenDue();
    window.addEventListener("online", function () { flush(); });
    window.setInterval(flushWhenDue, RETRY_EVERY);
    // Another tab saved, sent or queued a meeting.
    window.addEventListener("storage", function (e) {
      if (e.key === keyOf("outbox")) { showQueue(); }
    });
    // A page htmx brought in (a boosted link) is set up as a loaded one is.
    document.body.addEventListener("htmx:afterSettle", function (e) {
      if (e.target === document.body || (e.target.contains &&
          e.target.contains(document.getElementById("main")))) { setUpPage(); }
    });
    // Back to a page that was saved and left: it is loaded again, not shown as it was.
    window.addEventListener("pageshow", function (e) {
      var form = document.getElementById("log-meeting");
      if (e.persisted && form && form.getAttribute("data-saved")) { window.location.reload(); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
