// Keeps a server-side draft of every long form marked with data-draft-key and data-draft-url,
// so a timed-out session or a closed tab loses nothing (see mace/core/drafts.py).
//
// After a pause in typing, and when the page is hidden or left, the form's fields (not the CSRF
// token, not passwords) are POSTed as JSON with the CSRF token in a header. fetch with
// keepalive is used rather than navigator.sendBeacon, which cannot send that header.
// A live region in the form ([data-draft-status]) says when the draft was last saved; when the
// session has ended, it says the draft is safe and how to carry on, and saving stops.

const PAUSE_MS = 2000;
const EXCLUDED = new Set(["csrfmiddlewaretoken"]);

function cookie(name) {
  const prefix = `${name}=`;
  for (const part of document.cookie.split(";")) {
    const item = part.trim();
    if (item.startsWith(prefix)) return decodeURIComponent(item.slice(prefix.length));
  }
  return "";
}

function csrfToken(form) {
  const input = form.querySelector('input[name="csrfmiddlewaretoken"]');
  return cookie("csrftoken") || (input ? input.value : "");
}

function timeNow() {
  return new Date().toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
}

function serialise(form) {
  const passwords = new Set(
    Array.from(form.querySelectorAll('input[type="password"]'), (input) => input.name),
  );
  const data = {};
  for (const [name, value] of new FormData(form)) {
    if (EXCLUDED.has(name) || passwords.has(name) || typeof value !== "string") continue;
    (data[name] ||= []).push(value);
  }
  return JSON.stringify({ data });
}

function say(status, text) {
  if (status) status.textContent = text;
}

function signedOut(status, savedAt) {
  if (!status) return;
  status.textContent = "";
  const message = document.createElement("strong");
  message.className = "govuk-!-font-weight-bold";
  message.textContent = savedAt
    ? `You have been signed out. Your draft up to ${savedAt} is saved: `
    : "You have been signed out. ";
  const link = document.createElement("a");
  link.className = "govuk-link";
  const back = window.location.pathname + window.location.search;
  link.href = `/sign-in/?next=${encodeURIComponent(back)}`;
  link.textContent = "sign in again to carry on";
  message.append(link, ".");
  status.append(message);
}

function keepDrafts(form) {
  const url = form.dataset.draftUrl;
  const status = form.querySelector("[data-draft-status]");
  let lastSent = serialise(form);
  let savedAt = form.dataset.draftSavedAt || "";
  let timer = null;
  let stopped = false;

  async function save({ leaving = false } = {}) {
    window.clearTimeout(timer);
    timer = null;
    if (stopped) return;
    const body = serialise(form);
    if (body === lastSent) return;
    try {
      const response = await fetch(url, {
        method: "POST",
        body,
        credentials: "same-origin",
        redirect: "manual",
        keepalive: leaving,
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(form) },
      });
      if (response.status === 204) {
        lastSent = body;
        savedAt = timeNow();
        say(status, `Draft saved at ${savedAt}`);
      } else if (
        response.type === "opaqueredirect" ||
        response.status === 401 ||
        response.status === 403
      ) {
        stopped = true;
        signedOut(status, savedAt);
      } else if (response.status === 413) {
        say(status, "This draft is too long to save. Submit the form to keep what you typed.");
      } else {
        say(status, "The draft could not be saved just now. It will be tried again.");
      }
    } catch {
      say(status, "The draft could not be saved just now. It will be tried again.");
    }
  }

  function later() {
    if (stopped) return;
    window.clearTimeout(timer);
    timer = window.setTimeout(save, PAUSE_MS);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
  function stop() {
    stopped = true;
    window.clearTimeout(timer);
  }

  // The submission replaces the draft (the server deletes it on success).
  form.addEventListener("submit", stop);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") save({ leaving: true });
  });
  window.addEventListener("pagehide", () => save({ leaving: true }));
  return stop;
}

const stoppers = [];
for (const form of document.querySelectorAll("form[data-draft-key][data-draft-url]")) {
  stoppers.push(keepDrafts(form));
}
// "Discard draft" must not be undone by a last save as the page is left.
for (const discard of document.querySelectorAll("form[data-draft-discard]")) {
  discard.addEventListener("submit", () => stoppers.forEach((stop) => stop()));
}
