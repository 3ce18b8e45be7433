import type { Response } from "express";

/** Markup that is already safe: built by `html`, never from raw input. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
};

/** Escapes text for HTML content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c] ?? c);
}

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  if (value === null || value === undefined || value === false) return "";
  if (typeof value === "string") return escapeHtml(value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") {
    return escapeHtml(String(value));
  }
  throw new TypeError(
    "html: only strings, numbers, SafeHtml and arrays of them may be interpolated",
  );
}

/**
 * A template tag that escapes every interpolated value unless it is `SafeHtml` (or an array
 * of it), so a page can't be broken by a name, a reason or a query parameter.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? "");
  });
  return new SafeHtml(out);
}

const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1d2330}
header{border-bottom:1px solid #dde;margin-bottom:1.5rem;padding-bottom:.5rem}
header small{color:#a15c00;font-weight:600;letter-spacing:.04em;text-transform:uppercase}
h1{font-size:1.5rem;margin:.25rem 0}
h2{font-size:1.1rem;margin-top:2rem}
form{margin:.75rem 0;padding:.75rem;border:1px solid #dde;border-radius:8px}
form.inline{display:inline-block;border:0;padding:0;margin:.25rem .5rem .25rem 0}
label{display:block;margin:.4rem 0}
input[type=text],input[type=email],select{width:100%;box-sizing:border-box;padding:.35rem;font:inherit}
button{font:inherit;padding:.4rem .9rem;border-radius:6px;border:1px solid #99a;background:#f4f5fa;cursor:pointer}
button.primary{background:#2b59c3;border-color:#2b59c3;color:#fff}
button.danger{background:#b3261e;border-color:#b3261e;color:#fff}
a.primary{display:inline-block;padding:.4rem .9rem;border-radius:6px;background:#2b59c3;color:#fff;text-decoration:none;font-weight:600}
.next{padding:.75rem;border:1px solid #2b59c3;border-radius:8px;background:#f0f4fd}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}
dt{color:#556}
dd{margin:0}
.status{display:inline-block;padding:.1rem .5rem;border-radius:99px;background:#eef;font-weight:600}
.muted{color:#667}
.error{border-left:4px solid #b3261e;padding:.5rem 1rem;background:#fdf0ef}
code{font-size:.9em;word-break:break-all}
`;

/** A whole page around `body`: a banner saying it's a simulator, the title, small CSS. */
export function layout(title: string, body: SafeHtml): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>${title} · simulator</title>
        <style>
          ${new SafeHtml(STYLE)}
        </style>
      </head>
      <body>
        <header>
          <small>Development simulator: no real money, no real calendar</small>
          <h1>${title}</h1>
        </header>
        ${body}
      </body>
    </html>`.value;
}

/**
 * Sends a page with headers that keep it from being framed, cached or indexed. Its forms
 * post to this origin only; `formRedirectOrigins` adds origins a form's answer may
 * redirect to (browsers apply `form-action` to the redirect too).
 */
export function sendPage(
  res: Response,
  status: number,
  title: string,
  body: SafeHtml,
  options: { formRedirectOrigins?: string[] } = {},
): void {
  const formAction = ["'self'", ...(options.formRedirectOrigins ?? [])].join(" ");
  res
    .status(status)
    .set({
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "Content-Security-Policy": `default-src 'none'; style-src 'unsafe-inline'; form-action ${formAction}; base-uri 'none'; frame-ancestors 'none'`,
      "X-Robots-Tag": "noindex",
    })
    .send(layout(title, body));
}

/** An error page: what went wrong and a way back. */
export function sendError(
  res: Response,
  status: number,
  message: string,
  back?: { href: string; label: string },
): void {
  const titles: Record<number, string> = {
    400: "Bad request",
    404: "Not found",
    409: "Not possible now",
  };
  sendPage(
    res,
    status,
    titles[status] ?? "Error",
    html`<p class="error">${message}</p>
      ${back ? html`<p><a href="${back.href}">${back.label}</a></p>` : ""}`,
  );
}
