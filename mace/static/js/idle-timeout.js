// The idle-timeout warning. The server signs a session out after a set time without a request
// (data-idle-timeout-seconds on <body>); this shows the warning in base.html a little before
// (data-idle-warning-seconds), with a "Stay signed in" button that pings the server, and when
// the time is up reloads the page so the server can sign out and say why.
// Loaded as a file: the CSP allows no inline script.

const body = document.body;
const timeout = Number(body.dataset.idleTimeoutSeconds);
const warningLead = Number(body.dataset.idleWarningSeconds);
const banner = document.querySelector("[data-idle-warning]");
const form = banner && banner.querySelector("[data-idle-keep-alive]");
const countdown = banner && banner.querySelector("[data-idle-countdown]");

let warnTimer = null;
let endTimer = null;
let tickTimer = null;
let deadline = 0;

function describe(seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60);
    return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  }
  return `${seconds} second${seconds === 1 ? "" : "s"}`;
}

function tick() {
  const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
  // Announce only whole minutes and the last 20 seconds, so a screen reader is not flooded.
  if (left % 60 === 0 || left <= 20) {
    countdown.textContent = describe(left);
  }
}

function showWarning() {
  countdown.textContent = describe(Math.round((deadline - Date.now()) / 1000));
  banner.hidden = false;
  banner.focus();
  tickTimer = window.setInterval(tick, 1000);
}

function hideWarning() {
  banner.hidden = true;
  window.clearInterval(tickTimer);
}

function start() {
  window.clearTimeout(warnTimer);
  window.clearTimeout(endTimer);
  hideWarning();
  deadline = Date.now() + timeout * 1000;
  warnTimer = window.setTimeout(showWarning, Math.max(0, timeout - warningLead) * 1000);
  // A moment after the server's limit, so the reload finds the session already over.
  endTimer = window.setTimeout(() => window.location.reload(), (timeout + 2) * 1000);
}

async function staySignedIn(event) {
  event.preventDefault();
  const response = await fetch(form.action, {
    method: "POST",
    body: new FormData(form),
    credentials: "same-origin",
    headers: { "X-Requested-With": "fetch" },
  });
  if (response.ok) {
    start();
  } else {
    window.location.reload();
  }
}

if (banner && form && countdown && timeout > 0) {
  form.addEventListener("submit", staySignedIn);
  // A partial page update (htmx) is a request too: it resets the server's clock.
  document.addEventListener("htmx:afterRequest", start);
  // Other scripts that talk to the server (saving a draft, say) dispatch this on document.
  document.addEventListener("mace:server-activity", start);
  start();
}
