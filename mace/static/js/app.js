// Starts GOV.UK Frontend. Loaded as a module from base.html: the CSP allows no inline script,
// so this replaces the inline snippet GOV.UK's page template normally carries.
import { initAll } from "/static/govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled");
if ("noModule" in HTMLScriptElement.prototype) {
  document.body.classList.add("govuk-frontend-supported");
}
initAll();
