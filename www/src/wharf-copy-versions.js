// <wharf-copy-versions>: a compact copy form with validation, a plan preview (the dry run
// computed by wharf-core in WebAssembly), a Copy button and the per-version outcome.
//
// Attributes: endpoint, token, domain, domain-owner, source, destination, format, namespace,
// package, versions (one per line or comma-separated). Those left out are fields for the user
// to fill in, except the domain owner, which is asked only with `ask-domain-owner`.
// Enter and the primary button plan; Copy runs only the current plan, and only when it would
// pass. Events (bubbling, composed): `wharf-plan` (detail: the plan report), `wharf-copied`
// (detail: the CopyPackageVersions result), `wharf-error` (detail: {code, message, field}).
// Styles live in a shadow root: the host page's CSS does not reach in, and ours does not leak.

import init, { normalizePackageName, planCopy, validateCopyRequest } from "../pkg/copy/wharf_core.js";
import { copyPackageVersions, packageView, searchOrder } from "./api.js";
import { plainMessage, splitVersions } from "./messages.js";
import { STYLE } from "./style.js";

// The wasm is found from this file's URL, so that the same line works here (src/) and in the
// minified bundle npm run build writes (dist/): both sit beside pkg/.
const ready = init({ module_or_path: new URL("../pkg/copy/wharf_core_bg.wasm", import.meta.url) });

/** Attribute name → CopyPackageVersions member and label. */
const FIELDS = [
  ["domain", "domain", "Domain"],
  ["domain-owner", "domainOwner", "Domain owner"],
  ["source", "sourceRepository", "Source repository"],
  ["destination", "destinationRepository", "Destination repository"],
  ["format", "format", "Format"],
  ["namespace", "namespace", "Namespace"],
  ["package", "package", "Package"],
  ["versions", "versions", "Versions"],
];
const LABEL = Object.fromEntries(FIELDS.map(([, m, l]) => [m, l]));

const escape = (s) =>
  String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

/** What a plan report would do: counts, and whether running it would go through. */
export function planVerdict(report, destination) {
  const count = (a) => report.versions.filter((v) => v.action === a).length;
  const copy = count("COPY");
  const overwrite = count("OVERWRITE");
  const noop = count("NO_OP");
  const failed = report.versions.filter((v) => v.action === "FAIL" && v.error?.errorCode !== "SKIPPED");
  const skipped = report.versions.filter((v) => v.error?.errorCode === "SKIPPED").length;
  const identical = noop ? ` ${noop} already identical in ${destination}.` : "";
  if (failed.length) {
    const why = failed.map((v) => `${v.version} (${v.error.errorCode})`).join(", ");
    return {
      passes: false,
      text: `Would not pass: ${why} would fail, so nothing would be copied${skipped ? ` and ${skipped} other version(s) would be skipped` : ""}. Nothing has been written.`,
    };
  }
  if (copy + overwrite === 0) {
    return { passes: false, text: `Nothing to copy: ${destination} already holds every version, identical. Nothing has been written.` };
  }
  const what = [copy && `copy ${copy}`, overwrite && `overwrite ${overwrite}`].filter(Boolean).join(" and ");
  return {
    passes: true,
    copy,
    overwrite,
    action: `${what[0].toUpperCase()}${what.slice(1)} into ${destination}`,
    text: `Would pass: ${what} into ${destination}.${identical} Nothing has been written yet.`,
  };
}

export class WharfCopyVersions extends HTMLElement {
  static get observedAttributes() {
    return ["endpoint", "token", "ask-domain-owner", ...FIELDS.map(([a]) => a)];
  }

  constructor() {
    super();
    this.attachShadow({ mode: "open" });
    this.values = {};
    this.touched = new Set();
    this.submitted = false;
    /** The current plan: { key, report, verdict }, or null. */
    this.current = null;
  }

  connectedCallback() {
    this.render();
  }

  attributeChangedCallback() {
    if (this.isConnected) this.render();
  }

  /** Whether `attr` is a field for the user (not fixed by the page, and asked for). */
  asks(attr) {
    if (this.hasAttribute(attr)) return false;
    return attr !== "domain-owner" || this.hasAttribute("ask-domain-owner");
  }

  /** The CopyPackageVersions request from attributes and the user's input. */
  request() {
    const r = {};
    for (const [attr, member] of FIELDS) {
      const v = (this.getAttribute(attr) ?? (this.asks(attr) ? this.values[member] : "") ?? "").trim();
      if (!v) continue;
      r[member] = member === "versions" ? splitVersions(v) : v;
    }
    // The service finds a pypi package only by its PEP 503 name: the core normalizes it, as the
    // console does, so that `My_Package` is planned and copied as `my-package`.
    if (r.package && r.format) r.package = normalizePackageName(r.format, r.package);
    r.allowOverwrite = !!this.values.allowOverwrite;
    r.includeFromUpstream = !!this.values.includeFromUpstream;
    return r;
  }

  /** "staging → release" and the package, for the settings the page fixed. */
  fixedLabel() {
    const get = (a) => this.getAttribute(a);
    const parts = [];
    if (get("source") && get("destination")) {
      parts.push(`<strong class="route">${escape(get("source"))} → ${escape(get("destination"))}</strong>`);
    } else if (get("source")) {
      parts.push(`from <strong>${escape(get("source"))}</strong>`);
    } else if (get("destination")) {
      parts.push(`into <strong>${escape(get("destination"))}</strong>`);
    }
    if (get("package")) {
      const name = get("namespace") ? `${get("namespace")}/${get("package")}` : get("package");
      parts.push(`package <strong>${escape(name)}</strong>${get("format") ? ` (${escape(get("format"))})` : ""}`);
    } else if (get("format")) {
      parts.push(`format ${escape(get("format"))}`);
    }
    if (get("domain")) parts.push(`domain ${escape(get("domain"))}`);
    return parts.length ? `<p class="fixed" data-fixed>Copy ${parts.join(" · ")}</p>` : "";
  }

  render() {
    const fields = FIELDS.filter(([attr]) => this.asks(attr))
      .map(([, member, label]) => {
        const input =
          member === "versions"
            ? `<textarea id="f-versions" name="versions" rows="3" aria-describedby="h-versions e-versions">${escape(this.values.versions)}</textarea>
               <span class="hint" id="h-versions">One per line or comma-separated, at most 100. Ctrl+Enter plans.</span>`
            : `<input id="f-${member}" name="${member}" value="${escape(this.values[member])}" autocomplete="off" aria-describedby="e-${member}">`;
        return `
        <div class="field${member === "versions" ? " wide" : ""}" part="field">
          <label for="f-${member}">${label}</label>
          ${input}
          <span class="error" id="e-${member}" data-error="${member}"></span>
        </div>`;
      })
      .join("");
    this.shadowRoot.innerHTML = `
      <style>${STYLE}</style>
      <div class="root">
      <form part="form" novalidate>
        ${this.fixedLabel()}
        ${fields}
        <label class="check"><input type="checkbox" name="allowOverwrite" ${this.values.allowOverwrite ? "checked" : ""}> Allow overwrite</label>
        <label class="check"><input type="checkbox" name="includeFromUpstream" ${this.values.includeFromUpstream ? "checked" : ""}> Include from upstream</label>
        <div class="error wide" data-error="request"></div>
        <div class="actions">
          <button type="submit" data-action="plan" class="primary">Plan</button>
          <button type="button" data-action="copy" disabled>Copy</button>
        </div>
      </form>
      <div class="status" role="status" aria-live="polite"></div>
      <table class="plan" hidden><caption>Plan</caption><thead><tr><th scope="col">Version</th><th scope="col">Plan</th><th scope="col">Detail</th></tr></thead><tbody></tbody></table>
      <table class="outcome" hidden><caption>Outcome</caption><thead><tr><th scope="col">Version</th><th scope="col">Outcome</th><th scope="col">Detail</th></tr></thead><tbody></tbody></table>
      </div>`;
    this.current = null;
    const form = this.shadowRoot.querySelector("form");
    form.addEventListener("input", (e) => {
      const t = e.target;
      this.values[t.name] = t.type === "checkbox" ? t.checked : t.value;
      this.validate();
      this.refreshCopy();
    });
    form.addEventListener("focusout", (e) => {
      if (e.target.name && e.target.type !== "checkbox") {
        this.touched.add(e.target.name);
        this.validate();
      }
    });
    // Enter in a one-line field, Ctrl+Enter in the versions box, and the primary button all
    // mean Plan: a copy needs a current plan first.
    form.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && e.target.tagName === "TEXTAREA") {
        e.preventDefault();
        form.requestSubmit();
      }
    });
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.plan();
    });
    this.shadowRoot.querySelector('[data-action="copy"]').addEventListener("click", () => this.copy());
  }

  /**
   * Checks the request; shows each field's errors once, in plain language, on fields the user
   * left or after a submit (never on first load). Returns the stored-form request or null.
   */
  validate({ submit = false } = {}) {
    if (submit) this.submitted = true;
    for (const el of this.shadowRoot.querySelectorAll("[data-error]")) el.textContent = "";
    for (const el of this.shadowRoot.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
    try {
      return validateCopyRequest(this.request());
    } catch (e) {
      const shown = new Set();
      for (const { field, message } of e.errors || [{ field: "request", message: e.message }]) {
        const member = field.split(".")[0];
        if (!this.submitted && !this.touched.has(member)) continue;
        const el =
          this.shadowRoot.querySelector(`[data-error="${member}"]`) ||
          this.shadowRoot.querySelector('[data-error="request"]');
        const text = plainMessage(member, LABEL[member] || "Request", message);
        if (shown.has(text)) continue;
        shown.add(text);
        el.textContent = el.textContent ? `${el.textContent} ${text}` : text;
        this.shadowRoot.querySelector(`[name="${member}"]`)?.setAttribute("aria-invalid", "true");
      }
      return null;
    }
  }

  status(text) {
    this.shadowRoot.querySelector(".status").textContent = text;
  }

  fail(e) {
    this.status(`${e.code || "Error"}: ${e.message}`);
    this.dispatchEvent(
      new CustomEvent("wharf-error", {
        bubbles: true,
        composed: true,
        detail: { code: e.code || "Error", message: e.message, field: e.field },
      }),
    );
  }

  connection() {
    const endpoint = this.getAttribute("endpoint") || window.location.origin;
    const token = this.getAttribute("token") || "";
    return [endpoint, token];
  }

  /** Whether the current plan still matches the form, and would go through. */
  runnable() {
    return !!this.current && this.current.key === JSON.stringify(this.request()) && this.current.verdict.passes;
  }

  /** Enables Copy only for a current plan that would pass, and marks a stale plan. */
  refreshCopy() {
    const button = this.shadowRoot.querySelector('[data-action="copy"]');
    const ok = this.runnable();
    button.disabled = !ok;
    button.textContent = ok ? this.current.verdict.action : "Copy";
    if (this.current && this.current.key !== JSON.stringify(this.request())) {
      this.shadowRoot.querySelector("table.plan").classList.add("stale");
      this.status("The form changed since the plan: plan again before copying.");
    }
  }

  /** The dry run: fetch what the repositories hold and let the core plan the copy. */
  async plan() {
    await ready;
    const request = this.validate({ submit: true });
    if (!request) {
      this.status("Fix the fields marked above, then plan again.");
      return null;
    }
    const key = JSON.stringify(this.request());
    const [endpoint, token] = this.connection();
    try {
      this.status("Planning…");
      const order = request.includeFromUpstream ? await searchOrder(endpoint, token, request) : [request.sourceRepository];
      const source = [];
      for (const repo of order) source.push(await packageView(endpoint, token, request, repo));
      const destination = await packageView(endpoint, token, request, request.destinationRepository);
      const report = planCopy({ request, source, destination });
      const verdict = planVerdict(report, request.destinationRepository);
      this.current = { key, report, verdict };
      this.shadowRoot.querySelector("table.outcome").hidden = true;
      this.table("plan", report.versions.map((v) => [v.version, v.action, v.error ? `${v.error.errorCode}: ${v.error.errorMessage}` : v.fromRepository ? `from ${v.fromRepository}` : ""]));
      this.shadowRoot.querySelector("table.plan").classList.remove("stale");
      this.status(verdict.text);
      this.refreshCopy();
      this.dispatchEvent(new CustomEvent("wharf-plan", { bubbles: true, composed: true, detail: report }));
      return report;
    } catch (e) {
      this.fail(e);
      return null;
    }
  }

  /** Runs the current plan's copy and shows each version's outcome. */
  async copy() {
    await ready;
    if (!this.runnable()) {
      this.refreshCopy();
      return null;
    }
    const request = this.validate({ submit: true });
    if (!request) return null;
    const [endpoint, token] = this.connection();
    try {
      this.status("Copying…");
      this.shadowRoot.querySelector('[data-action="copy"]').disabled = true;
      const result = await copyPackageVersions(endpoint, token, request);
      // The plan is spent: the outcome replaces it.
      this.current = null;
      this.shadowRoot.querySelector("table.plan").hidden = true;
      const rows = [
        ...Object.entries(result.successfulVersions || {}).map(([v, s]) => [v, "COPIED", `${s.status}, revision ${s.revision}`]),
        ...Object.entries(result.failedVersions || {}).map(([v, f]) => [v, f.errorCode, f.errorMessage]),
      ];
      const requested = request.versions || Object.keys(request.versionRevisions || {});
      for (const v of requested) if (!rows.some((r) => r[0] === v)) rows.push([v, "UNCHANGED", "identical version already in the destination"]);
      this.table("outcome", rows);
      const failed = Object.keys(result.failedVersions || {}).length;
      this.status(failed ? `Nothing was copied: ${failed} version(s) failed.` : `Copy complete: ${Object.keys(result.successfulVersions || {}).length} version(s) copied.`);
      this.refreshCopy();
      this.dispatchEvent(new CustomEvent("wharf-copied", { bubbles: true, composed: true, detail: result }));
      return result;
    } catch (e) {
      this.fail(e);
      this.refreshCopy();
      return null;
    }
  }

  table(which, rows) {
    const t = this.shadowRoot.querySelector(`table.${which}`);
    t.hidden = false;
    t.querySelector("tbody").innerHTML = rows
      .map(([v, a, d]) => `<tr data-version="${escape(v)}"><td>${escape(v)}</td><td class="tag ${escape(a)}">${escape(a)}</td><td>${escape(d)}</td></tr>`)
      .join("");
  }
}

if (!customElements.get("wharf-copy-versions")) customElements.define("wharf-copy-versions", WharfCopyVersions);
