// <wharf-promote-release>: release promotion from an npm lockfile, for a portal to embed next to
// <wharf-copy-versions>, with the same events.
//
// Attributes: endpoint, token, domain, source, destination, destination-domain (a different
// domain makes a cross-domain promotion), lockfile (the text of package-lock.json; also a
// `lockfile` property, for files too big for an attribute), reason, and the boolean options
// with-dependencies, allow-unsatisfied, allow-overwrite, include-from-upstream (preset; the user
// can still change them). Settings left out are fields for the user to fill in; without a
// lockfile the user pastes one or chooses the file.
//
// The lockfile is read in the page by wharf-core (WebAssembly, `parseLockfile`): a lockfile that
// does not parse, or pins a git/file/link dependency, is refused at once, naming the entry. The
// plan is the service's dry run (POST /wharf/v1/promotions with dryRun), since the dependency
// closure needs every version's manifest; Promote runs only the current plan, and only when it
// would pass. Events (bubbling, composed): `wharf-plan` (detail: the PromotionResult of the dry
// run), `wharf-copied` (detail: the applied PromotionResult, with its promotionId), `wharf-error`
// (detail: {code, message, field}).

import init, { parseLockfile } from "../pkg/promote/wharf_core.js";
import { promote } from "./api.js";
import { STYLE } from "./style.js";

// The wasm is found from this file's URL, so that the same line works here (src/) and in the
// minified bundle npm run build writes (dist/): both sit beside pkg/.
const ready = init({ module_or_path: new URL("../pkg/promote/wharf_core_bg.wasm", import.meta.url) });

/** Attribute → request member and label, for the settings a page may fix. */
const FIELDS = [
  ["domain", "domain", "Domain"],
  ["source", "sourceRepository", "Source repository"],
  ["destination-domain", "destinationDomain", "Destination domain (optional)"],
  ["destination", "destinationRepository", "Destination repository"],
];
const OPTIONS = [
  ["with-dependencies", "withDependencies", "Add missing dependencies"],
  ["allow-unsatisfied", "allowUnsatisfied", "Allow unsatisfied dependencies"],
  ["allow-overwrite", "allowOverwrite", "Allow overwrite"],
  ["include-from-upstream", "includeFromUpstream", "Include from upstream"],
];

const escape = (s) =>
  String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

/** What a dry run's PromotionResult means: whether Promote would go through, in words. */
export function promotionVerdict(result) {
  const s = result.summary;
  const into = `${result.destination.domain}/${result.destination.repository}`;
  if (result.status === "FAILED") {
    const failed = result.packages.flatMap((p) => p.versions.filter((v) => v.action === "FAIL").map((v) => `${p.namespace ? `@${p.namespace}/` : ""}${p.package}@${v.version} (${v.errorCode})`));
    const open = result.closure.unsatisfied.length;
    return {
      passes: false,
      text: `Would not pass: ${failed.join(", ")} would fail, so nothing would be promoted${s.skipped ? ` and ${plural(s.skipped, "other version", "other versions")} would be skipped` : ""}.${open ? ` ${plural(open, "dependency range stays", "dependency ranges stay")} unsatisfied.` : ""} Nothing has been written.`,
    };
  }
  const writes = s.copied + s.overwritten;
  if (!writes) return { passes: false, text: `Nothing to promote: ${into} already holds every version, identical. Nothing has been written.` };
  const packages = result.packages.filter((p) => p.versions.some((v) => v.action === "COPY" || v.action === "OVERWRITE")).length;
  const action = `Promote ${plural(writes, "version", "versions")} of ${plural(packages, "package", "packages")}${s.overwritten ? `, overwrite ${s.overwritten}` : ""}, into ${into}`;
  const extra = [s.noop && `${s.noop} already identical`, s.addedAsDependencies && `${s.addedAsDependencies} added as dependencies`].filter(Boolean);
  return { passes: true, action, text: `Would pass: ${action}${extra.length ? ` (${extra.join("; ")})` : ""}. Nothing has been written yet.` };
}

export class WharfPromoteRelease extends HTMLElement {
  static get observedAttributes() {
    return ["endpoint", "token", "lockfile", "reason", ...FIELDS.map(([a]) => a), ...OPTIONS.map(([a]) => a)];
  }

  constructor() {
    super();
    this.attachShadow({ mode: "open" });
    this.values = {};
    this._lockfile = null;
    /** The current plan: { key, result, verdict }, or null. */
    this.current = null;
  }

  /** The lockfile's text, given by the page (property or attribute) or by the user. */
  get lockfile() {
    return this._lockfile ?? this.getAttribute("lockfile") ?? this.values.lockfile ?? "";
  }

  set lockfile(text) {
    this._lockfile = text == null ? null : String(text);
    if (this.isConnected) this.render();
  }

  connectedCallback() {
    this.render();
  }

  attributeChangedCallback() {
    if (this.isConnected) this.render();
  }

  /** Whether the page gave the lockfile (then the user does not paste one). */
  fixedLockfile() {
    return this._lockfile != null || this.hasAttribute("lockfile");
  }

  /** The PromotionRequest from the attributes and the user's input. */
  request(dryRun) {
    const r = { dryRun };
    for (const [attr, member] of FIELDS) {
      const v = (this.getAttribute(attr) ?? this.values[member] ?? "").trim();
      if (v) r[member] = v;
    }
    for (const [attr, member] of OPTIONS) r[member] = this.values[member] ?? this.hasAttribute(attr);
    const reason = (this.getAttribute("reason") ?? this.values.reason ?? "").trim();
    if (reason) r.reason = reason;
    r.lockfile = this.lockfile;
    return r;
  }

  key() {
    return JSON.stringify(this.request(true));
  }

  render() {
    const fields = FIELDS.filter(([attr]) => !this.hasAttribute(attr))
      .map(([, member, label]) => `
        <div class="field" part="field">
          <label for="f-${member}">${label}</label>
          <input id="f-${member}" name="${member}" value="${escape(this.values[member])}" autocomplete="off" aria-describedby="e-${member}">
          <span class="error" id="e-${member}" data-error="${member}"></span>
        </div>`)
      .join("");
    const fixed = FIELDS.filter(([attr]) => this.hasAttribute(attr)).map(([attr, , label]) => `${label.replace(" (optional)", "")} <strong>${escape(this.getAttribute(attr))}</strong>`);
    const lockfile = this.fixedLockfile()
      ? `<p class="fixed" data-fixed-lockfile>${escape(this.lockfileLabel())}</p><span class="error wide" data-error="lockfile"></span>`
      : `<div class="field wide">
           <label for="f-lockfile">package-lock.json</label>
           <textarea id="f-lockfile" name="lockfile" rows="4" aria-describedby="h-lockfile e-lockfile">${escape(this.values.lockfile)}</textarea>
           <span class="hint" id="h-lockfile">Paste the lockfile (lockfileVersion 2 or 3), or choose the file.</span>
           <span class="error" id="e-lockfile" data-error="lockfile"></span>
         </div>
         <div class="field wide"><label for="f-lockfile-file">Lockfile file</label><input id="f-lockfile-file" type="file" accept=".json,application/json"></div>`;
    const options = OPTIONS.map(([attr, member, label]) => {
      const on = this.values[member] ?? this.hasAttribute(attr);
      return `<label class="check"><input type="checkbox" name="${member}" ${on ? "checked" : ""}> ${label}</label>`;
    }).join("");
    const reason = this.hasAttribute("reason")
      ? ""
      : `<div class="field wide"><label for="f-reason">Reason (stored with the record)</label><input id="f-reason" name="reason" value="${escape(this.values.reason)}" autocomplete="off"></div>`;
    this.shadowRoot.innerHTML = `
      <style>${STYLE}</style>
      <div class="root">
      <form part="form" novalidate aria-label="Promote a release">
        ${fixed.length ? `<p class="fixed" data-fixed>Promote · ${fixed.join(" · ")}</p>` : ""}
        ${fields}
        ${lockfile}
        ${options}
        ${reason}
        <div class="error wide" data-error="request"></div>
        <div class="actions">
          <button type="submit" data-action="plan" class="primary">Plan</button>
          <button type="button" data-action="promote" disabled>Promote</button>
        </div>
      </form>
      <div class="status" role="status" aria-live="polite"></div>
      <table class="plan" hidden><caption>Plan</caption><thead><tr><th scope="col">Package</th><th scope="col">Version</th><th scope="col">Plan</th><th scope="col">Detail</th></tr></thead><tbody></tbody></table>
      </div>`;
    this.current = null;
    const form = this.shadowRoot.querySelector("form");
    form.addEventListener("input", (e) => {
      const t = e.target;
      if (t.type === "file") return;
      this.values[t.name] = t.type === "checkbox" ? t.checked : t.value;
      this.refresh();
    });
    form.addEventListener("change", async (e) => {
      if (e.target.type !== "file" || !e.target.files[0]) return;
      this.values.lockfile = await e.target.files[0].text();
      this.shadowRoot.querySelector("[name=lockfile]").value = this.values.lockfile;
      this.refresh();
    });
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.plan();
    });
    this.shadowRoot.querySelector('[data-action="promote"]').addEventListener("click", () => this.run());
  }

  /** "Lockfile: 12 packages pinned" for a lockfile the page gave. */
  lockfileLabel() {
    try {
      const n = parseLockfile(this.lockfile).length;
      return `Lockfile: ${plural(n, "package", "packages")} pinned.`;
    } catch {
      return "Lockfile given by the page.";
    }
  }

  status(text) {
    this.shadowRoot.querySelector(".status").textContent = text;
  }

  fail(e) {
    this.status(`${e.code || "Error"}: ${e.message}`);
    this.dispatchEvent(new CustomEvent("wharf-error", { bubbles: true, composed: true, detail: { code: e.code || "Error", message: e.message, field: e.field } }));
  }

  /** Checks what the page can check itself (required settings, the lockfile); returns ok. */
  check() {
    for (const el of this.shadowRoot.querySelectorAll("[data-error]")) el.textContent = "";
    const r = this.request(true);
    let ok = true;
    const say = (member, text) => {
      ok = false;
      const el = this.shadowRoot.querySelector(`[data-error="${member}"]`) || this.shadowRoot.querySelector('[data-error="request"]');
      el.textContent = text;
      this.shadowRoot.querySelector(`[name="${member}"]`)?.setAttribute("aria-invalid", "true");
    };
    for (const [, member, label] of FIELDS) {
      if (member !== "destinationDomain" && !r[member]) say(member, `${label}: required.`);
    }
    if (!r.lockfile.trim()) say("lockfile", "Lockfile: paste a package-lock.json or choose the file.");
    else {
      try {
        parseLockfile(r.lockfile);
      } catch (e) {
        // The core names every bad entry ("Lockfile entry 'node_modules/x' is not a registry package: …").
        say("lockfile", (e.errors || []).map((x) => x.message).join(" ") || `Lockfile: ${e.message}`);
      }
    }
    return ok;
  }

  runnable() {
    return !!this.current && this.current.key === this.key() && this.current.verdict.passes;
  }

  refresh() {
    const button = this.shadowRoot.querySelector('[data-action="promote"]');
    const ok = this.runnable();
    button.disabled = !ok;
    button.textContent = ok ? this.current.verdict.action : "Promote";
    if (this.current && this.current.key !== this.key()) {
      this.shadowRoot.querySelector("table.plan").classList.add("stale");
      this.status("The form changed since the plan: plan again before promoting.");
    }
  }

  connection() {
    return [this.getAttribute("endpoint") || window.location.origin, this.getAttribute("token") || ""];
  }

  /** The dry run: the service plans the whole promotion, closure included, and writes nothing. */
  async plan() {
    await ready;
    if (!this.check()) {
      this.status("Fix the fields marked above, then plan again.");
      return null;
    }
    const key = this.key();
    const [endpoint, token] = this.connection();
    try {
      this.status("Planning…");
      const result = await promote(endpoint, token, this.request(true));
      const verdict = promotionVerdict(result);
      this.current = { key, result, verdict };
      this.table(result);
      this.status(verdict.text);
      this.refresh();
      this.dispatchEvent(new CustomEvent("wharf-plan", { bubbles: true, composed: true, detail: result }));
      return result;
    } catch (e) {
      this.fail(e);
      return null;
    }
  }

  /** Applies the current plan in one all-or-nothing call. */
  async run() {
    await ready;
    if (!this.runnable()) return this.refresh();
    const [endpoint, token] = this.connection();
    try {
      this.status(`${this.current.verdict.action}…`);
      this.shadowRoot.querySelector('[data-action="promote"]').disabled = true;
      const result = await promote(endpoint, token, this.request(false));
      this.current = null;
      this.table(result);
      this.status(result.status === "APPLIED"
        ? `Promoted: ${result.summary.copied} copied, ${result.summary.overwritten} overwritten, ${result.summary.noop} already identical. Recorded as ${result.promotionId}.`
        : "Nothing was promoted: the plan failed when it was applied. Plan again to see why.");
      this.refresh();
      this.dispatchEvent(new CustomEvent("wharf-copied", { bubbles: true, composed: true, detail: result }));
      return result;
    } catch (e) {
      this.fail(e);
      this.refresh();
      return null;
    }
  }

  table(result) {
    const t = this.shadowRoot.querySelector("table.plan");
    t.hidden = false;
    t.classList.remove("stale");
    t.querySelector("caption").textContent = result.dryRun ? "Plan" : "Outcome";
    const rows = result.packages.flatMap((p) => {
      const name = p.namespace ? (p.format === "npm" ? `@${p.namespace}/${p.package}` : `${p.namespace}/${p.package}`) : p.package;
      return p.versions.map((v) => {
        const detail = [v.errorCode && `${v.errorCode}: ${v.errorMessage || ""}`, v.addedAsDependency && "added as a dependency"].filter(Boolean).join("; ");
        const action = v.action === "NOOP" ? "NO_OP" : v.action;
        return `<tr data-package="${escape(name)}" data-version="${escape(v.version)}"><td>${escape(name)}</td><td>${escape(v.version)}</td><td class="tag ${escape(action)}">${escape(action)}</td><td>${escape(detail)}</td></tr>`;
      });
    });
    t.querySelector("tbody").innerHTML = rows.join("");
  }
}

if (!customElements.get("wharf-promote-release")) customElements.define("wharf-promote-release", WharfPromoteRelease);
