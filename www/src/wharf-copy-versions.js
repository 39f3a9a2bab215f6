// <wharf-copy-versions>: a compact copy form with live validation, a plan preview (the dry run
// computed by wharf-core in WebAssembly), a Copy button and the per-version outcome.
//
// Attributes: endpoint, token, domain, domain-owner, source, destination, format, namespace,
// package, versions (comma-separated). Those left out are fields for the user to fill in.
// Events (bubbling, composed): `wharf-plan` (detail: the plan report), `wharf-copied` (detail:
// the CopyPackageVersions result), `wharf-error` (detail: {code, message, field}).
// Styles live in a shadow root: the host page's CSS does not reach in, and ours does not leak.

import init, { planCopy, validateCopyRequest } from "../pkg/wharf_core.js";
import { copyPackageVersions, packageView, searchOrder } from "./api.js";
import { STYLE } from "./style.js";

const ready = init();

/** Attribute name → CopyPackageVersions member and label. */
const FIELDS = [
  ["domain", "domain", "Domain"],
  ["domain-owner", "domainOwner", "Domain owner"],
  ["source", "sourceRepository", "Source repository"],
  ["destination", "destinationRepository", "Destination repository"],
  ["format", "format", "Format"],
  ["namespace", "namespace", "Namespace"],
  ["package", "package", "Package"],
  ["versions", "versions", "Versions (comma-separated)"],
];

const escape = (s) =>
  String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

export class WharfCopyVersions extends HTMLElement {
  static get observedAttributes() {
    return ["endpoint", "token", ...FIELDS.map(([a]) => a)];
  }

  constructor() {
    super();
    this.attachShadow({ mode: "open" });
    this.values = {};
  }

  connectedCallback() {
    this.render();
  }

  attributeChangedCallback() {
    if (this.isConnected) this.render();
  }

  /** The CopyPackageVersions request from attributes and the user's input. */
  request() {
    const r = {};
    for (const [attr, member] of FIELDS) {
      const v = (this.getAttribute(attr) ?? this.values[member] ?? "").trim();
      if (!v) continue;
      r[member] = member === "versions" ? v.split(",").map((s) => s.trim()).filter(Boolean) : v;
    }
    r.allowOverwrite = !!this.values.allowOverwrite;
    r.includeFromUpstream = !!this.values.includeFromUpstream;
    return r;
  }

  render() {
    const fields = FIELDS.filter(([attr]) => !this.hasAttribute(attr))
      .map(
        ([, member, label]) => `
        <label part="field">${label}
          <input name="${member}" value="${escape(this.values[member])}" autocomplete="off">
          <span class="error" data-error="${member}" role="alert"></span>
        </label>`,
      )
      .join("");
    const fixed = FIELDS.filter(([attr]) => this.hasAttribute(attr))
      .map(([attr, , label]) => `<span class="chip" title="${label}">${escape(this.getAttribute(attr))}</span>`)
      .join("");
    this.shadowRoot.innerHTML = `
      <style>${STYLE}</style>
      <div class="root">
      <form part="form" novalidate>
        <div class="fixed">${fixed}</div>
        ${fields}
        <label class="check"><input type="checkbox" name="allowOverwrite" ${this.values.allowOverwrite ? "checked" : ""}> Allow overwrite</label>
        <label class="check"><input type="checkbox" name="includeFromUpstream" ${this.values.includeFromUpstream ? "checked" : ""}> Include from upstream</label>
        <div class="error" data-error="request" role="alert"></div>
        <div class="actions">
          <button type="button" data-action="plan">Plan</button>
          <button type="submit" data-action="copy" class="primary">Copy</button>
        </div>
      </form>
      <div class="status" role="status"></div>
      <table class="plan" hidden><thead><tr><th>Version</th><th>Plan</th><th>Detail</th></tr></thead><tbody></tbody></table>
      <table class="outcome" hidden><thead><tr><th>Version</th><th>Outcome</th><th>Detail</th></tr></thead><tbody></tbody></table>
      </div>`;
    const form = this.shadowRoot.querySelector("form");
    form.addEventListener("input", (e) => {
      const t = e.target;
      this.values[t.name] = t.type === "checkbox" ? t.checked : t.value;
      this.validate();
    });
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.copy();
    });
    this.shadowRoot.querySelector('[data-action="plan"]').addEventListener("click", () => this.plan());
    ready.then(() => this.validate());
  }

  /** Shows every validation error on its field; returns the stored-form request or null. */
  validate() {
    for (const el of this.shadowRoot.querySelectorAll("[data-error]")) el.textContent = "";
    try {
      return validateCopyRequest(this.request());
    } catch (e) {
      for (const { field, message } of e.errors || []) {
        const member = field.split(".")[0];
        const el =
          this.shadowRoot.querySelector(`[data-error="${member}"]`) ||
          this.shadowRoot.querySelector('[data-error="request"]');
        el.textContent = el.textContent ? `${el.textContent} ${message}` : message;
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

  /** The dry run: fetch what the repositories hold and let the core plan the copy. */
  async plan() {
    await ready;
    const request = this.validate();
    if (!request) return null;
    const [endpoint, token] = this.connection();
    try {
      this.status("Planning…");
      const order = request.includeFromUpstream ? await searchOrder(endpoint, token, request) : [request.sourceRepository];
      const source = [];
      for (const repo of order) source.push(await packageView(endpoint, token, request, repo));
      const destination = await packageView(endpoint, token, request, request.destinationRepository);
      const report = planCopy({ request, source, destination });
      this.table("plan", report.versions.map((v) => [v.version, v.action, v.error ? `${v.error.errorCode}: ${v.error.errorMessage}` : v.fromRepository ? `from ${v.fromRepository}` : ""]));
      this.status("Plan ready: nothing has been written.");
      this.dispatchEvent(new CustomEvent("wharf-plan", { bubbles: true, composed: true, detail: report }));
      return report;
    } catch (e) {
      this.fail(e);
      return null;
    }
  }

  /** Runs the copy and shows each version's outcome. */
  async copy() {
    await ready;
    const request = this.validate();
    if (!request) return null;
    const [endpoint, token] = this.connection();
    try {
      this.status("Copying…");
      const result = await copyPackageVersions(endpoint, token, request);
      const rows = [
        ...Object.entries(result.successfulVersions || {}).map(([v, s]) => [v, "COPIED", `${s.status}, revision ${s.revision}`]),
        ...Object.entries(result.failedVersions || {}).map(([v, f]) => [v, f.errorCode, f.errorMessage]),
      ];
      const requested = request.versions || Object.keys(request.versionRevisions || {});
      for (const v of requested) if (!rows.some((r) => r[0] === v)) rows.push([v, "UNCHANGED", "identical version already in the destination"]);
      this.table("outcome", rows);
      const failed = Object.keys(result.failedVersions || {}).length;
      this.status(failed ? `Nothing was copied: ${failed} version(s) failed.` : "Copy complete.");
      this.dispatchEvent(new CustomEvent("wharf-copied", { bubbles: true, composed: true, detail: result }));
      return result;
    } catch (e) {
      this.fail(e);
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
