// The widget's styles, applied inside its shadow root only. `.root` resets inherited properties
// so the host page's fonts, colours and box model cannot change the layout.

export const STYLE = `
:host { display: block; max-width: 640px; }
/* The host element itself is styled by the page; everything inside starts from a clean slate. */
.root { all: initial; display: block; font: 14px/1.4 system-ui, sans-serif; color: #1f2933;
  background: #fff; border: 1px solid #d5dbe1; border-radius: 8px; padding: 12px; box-sizing: border-box; }
.root * { letter-spacing: normal; }
*, *::before, *::after { box-sizing: inherit; }
form { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 8px 12px; }
.field { display: flex; flex-direction: column; gap: 2px; }
.wide { grid-column: 1 / -1; }
label { font-weight: 600; font-size: 12px; }
label.check { display: flex; flex-direction: row; align-items: center; gap: 6px; font-weight: 400; }
input:not([type]), input[name], textarea { font: inherit; padding: 4px 6px; border: 1px solid #7b8794; border-radius: 4px; }
textarea { resize: vertical; }
[aria-invalid="true"] { border-color: #b91c1c; }
.hint { color: #52606d; font-size: 12px; }
input:focus-visible, textarea:focus-visible, button:focus-visible { outline: 2px solid #2563eb; outline-offset: 1px; }
.error { color: #b91c1c; font-weight: 400; font-size: 12px; min-height: 0; }
.fixed { grid-column: 1 / -1; margin: 0; }
.route { font-size: 15px; }
.actions { grid-column: 1 / -1; display: flex; gap: 8px; justify-content: flex-end; }
button { font: inherit; padding: 5px 14px; border-radius: 4px; border: 1px solid #9aa5b1; background: #f5f7fa; cursor: pointer; }
button.primary { background: #1d4ed8; color: #fff; border-color: #1e40af; }
button:disabled { cursor: not-allowed; color: #52606d; background: #eef2f7; }
.status { margin: 8px 0; min-height: 1.4em; }
table { width: 100%; border-collapse: collapse; margin-top: 6px; }
th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid #e4e7eb; font-size: 13px; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
table.stale tbody { opacity: 0.6; }
.tag { font-weight: 700; font-size: 12px; }
.COPY, .COPIED { color: #047857; } .OVERWRITE { color: #b45309; } .NO_OP, .UNCHANGED { color: #52606d; }
.FAIL, .ALREADY_EXISTS, .NOT_FOUND, .SKIPPED, .MISMATCHED_REVISION, .MISMATCHED_STATUS, .NOT_ALLOWED { color: #b91c1c; }
`;
