import {
  isCurrencyCode,
  formatMoney,
  type Locale,
  matchSupportedLocale,
  negotiateLocale,
  translator,
  type Translator,
} from "@an/domain";
import type { Request, Response } from "express";

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
*,*::before,*::after{box-sizing:border-box}
body{font:15px/1.5 system-ui,sans-serif;max-width:46rem;margin-block:2rem;margin-inline:auto;padding-inline:1rem;color:#1d2330;overflow-wrap:anywhere}
header{border-block-end:1px solid #dde;margin-block-end:1.5rem;padding-block-end:.5rem}
header small{color:#8a4f00;font-weight:600;letter-spacing:.04em;text-transform:uppercase}
:lang(ar) header small{letter-spacing:0}
h1{font-size:1.5rem;margin-block:.25rem}
h2{font-size:1.1rem;margin-block-start:2rem}
form{margin-block:.75rem;padding:.75rem;border:1px solid #dde;border-radius:8px}
form.inline{display:inline-block;border:0;padding:0;margin-block:.25rem;margin-inline:0 .5rem;max-width:100%}
label{display:block;margin-block:.4rem}
fieldset{min-width:0;margin-block:.4rem;border:1px solid #dde;border-radius:6px}
fieldset label{display:inline-block;margin-inline-end:1rem}
input[type=text],input[type=email],select{display:block;width:100%;max-width:100%;padding:.35rem;font:inherit;margin-block-start:.2rem}
button{font:inherit;padding:.4rem .9rem;border-radius:6px;border:1px solid #667;background:#f4f5fa;color:#1d2330;cursor:pointer;max-width:100%;white-space:normal;text-align:start}
button:disabled{color:#555b66;cursor:not-allowed}
button.primary{background:#2b59c3;border-color:#2b59c3;color:#fff}
button.danger{background:#b3261e;border-color:#b3261e;color:#fff}
a{color:#1f4aa8}
a.primary{display:inline-block;padding:.4rem .9rem;border-radius:6px;background:#2b59c3;color:#fff;text-decoration:none;font-weight:600}
.next{padding:.75rem;border:1px solid #2b59c3;border-radius:8px;background:#f0f4fd}
dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.2rem 1rem}
dt{color:#4a5060}
dd{margin:0;min-width:0}
@media (max-width:30em){dl{grid-template-columns:minmax(0,1fr)}dd{margin-block-end:.4rem}}
.status{display:inline-block;padding-block:.1rem;padding-inline:.5rem;border-radius:99px;background:#eef;font-weight:600}
.muted{color:#4f5566}
.amount{font-size:2rem;margin-block:.5rem}
.error{border-inline-start:4px solid #b3261e;padding-block:.5rem;padding-inline:1rem;background:#fdf0ef}
code{font-size:.9em;word-break:break-all}
`;

/**
 * The language a simulator page speaks and the helpers that render in it. The console opens
 * these pages in a new tab with `?locale=`; the pages carry it on through their forms and
 * redirects so a whole flow stays in one language.
 */
export type Page = {
  locale: Locale;
  dir: "rtl" | "ltr";
  /** Whether the locale was asked for (query or form field), so links must carry it. */
  explicit: boolean;
  t: Translator;
  /** A catalog message as markup: its text escaped, `SafeHtml` variables kept as markup. */
  tx(key: string, vars?: Record<string, unknown>): SafeHtml;
  /** A simulator URL (relative or absolute) with the page's locale, when one was asked for. */
  href(url: string): string;
  /** The hidden field that keeps the locale through a form post. */
  field: SafeHtml;
  money(amount: number, currency: string): SafeHtml;
  /** An instant in `timeZone` (UTC by default), written in the locale, naming the zone. */
  dateTime(at: Date, timeZone?: string): SafeHtml;
};

const RTL_LANGUAGES = new Set(["ar", "he", "fa", "ur"]);

function requestedLocale(req: Request): string | null {
  const fromBody = (req.body as Record<string, unknown> | undefined)?.locale;
  if (typeof fromBody === "string" && fromBody) return fromBody;
  const fromQuery = req.query.locale;
  return typeof fromQuery === "string" && fromQuery ? fromQuery : null;
}

/** The page's locale: `locale` from the form or query, else Accept-Language, else English. */
export function pageFor(req: Request): Page {
  const asked = requestedLocale(req);
  const fromAsked = asked ? matchSupportedLocale(asked) : null;
  if (fromAsked) return pageIn(fromAsked, true);
  return pageIn(negotiateLocale({ acceptLanguage: req.header("accept-language") ?? null }), false);
}

export function pageIn(locale: Locale, explicit = true): Page {
  const t = translator(locale);
  const dir = RTL_LANGUAGES.has(locale.split("-")[0] ?? "") ? "rtl" : "ltr";
  return {
    locale,
    dir,
    explicit,
    t,
    tx: (key, vars = {}) => translateHtml(t, key, vars),
    href: (url) => (explicit ? withLocale(url, locale) : url),
    field: explicit ? html`<input type="hidden" name="locale" value="${locale}" />` : html``,
    money: (amount, currency) => html`<bdi>${moneyText(amount, currency, locale)}</bdi>`,
    dateTime: (at, timeZone = "UTC") => html`<bdi>${formatAt(at, timeZone, locale)}</bdi>`,
  };
}

/** Adds `locale` to a simulator URL; any other URL (the app's own) is left as it is. */
export function withLocale(url: string, locale: Locale): string {
  const relative = url.startsWith("/");
  let parsed: URL;
  try {
    parsed = new URL(url, "http://sim.invalid");
  } catch {
    return url;
  }
  if (!parsed.pathname.startsWith("/sim/")) return url;
  parsed.searchParams.set("locale", locale);
  return relative ? `${parsed.pathname}${parsed.search}${parsed.hash}` : parsed.href;
}

function moneyText(amount: number, currency: string, locale: Locale): string {
  const code = currency.toUpperCase();
  return isCurrencyCode(code)
    ? formatMoney({ amount, currency: code }, locale)
    : `${amount} ${code}`;
}

function formatAt(at: Date, timeZone: string, locale: Locale): string {
  return (
    new Intl.DateTimeFormat(locale, {
      timeZone,
      dateStyle: "medium",
      timeStyle: "short",
    }).format(at) + ` (${timeZone})`
  );
}

/**
 * Translates with every variable escaped (or kept, when it is `SafeHtml`): the message is
 * rendered with placeholders, escaped as text, and the placeholders then replaced by markup.
 */
function translateHtml(t: Translator, key: string, vars: Record<string, unknown>): SafeHtml {
  const parts: string[] = [];
  const placeholders: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(vars)) {
    if (name === "count" && typeof value === "number") {
      placeholders[name] = value;
      continue;
    }
    placeholders[name] = `\uE000${parts.length}\uE001`;
    parts.push(render(value));
  }
  const text = escapeHtml(String(t(key, placeholders)));
  return new SafeHtml(text.replace(/\uE000(\d+)\uE001/g, (_, i: string) => parts[Number(i)] ?? ""));
}

/** A whole page around `body`: a banner saying it's a simulator, the title, small CSS. */
export function layout(page: Page, title: string, body: SafeHtml, heading?: SafeHtml): string {
  return html`<!doctype html>
    <html lang="${page.locale}" dir="${page.dir}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>${page.t("simulator.page.title", { title })}</title>
        <style>
          ${new SafeHtml(STYLE)}
        </style>
      </head>
      <body>
        <header>
          <small>${page.t("simulator.page.banner")}</small>
          <h1>${heading ?? title}</h1>
        </header>
        <main>${body}</main>
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
  page: Page,
  status: number,
  title: string,
  body: SafeHtml,
  /** `heading` replaces the title in the page's h1, for a title that is data (in `<bdi>`). */
  options: { formRedirectOrigins?: string[]; heading?: SafeHtml } = {},
): void {
  const formAction = ["'self'", ...(options.formRedirectOrigins ?? [])].join(" ");
  res
    .status(status)
    .set({
      "Content-Type": "text/html; charset=utf-8",
      "Content-Language": page.locale,
      "Cache-Control": "no-store",
      "Content-Security-Policy": `default-src 'none'; style-src 'unsafe-inline'; form-action ${formAction}; base-uri 'none'; frame-ancestors 'none'`,
      "X-Robots-Tag": "noindex",
      Vary: "Accept-Language",
    })
    .send(layout(page, title, body, options.heading));
}

/**
 * An error page: what went wrong and a way back. `message` is already in the page's language
 * unless `fromProvider` says it is the simulated provider's own (English) wording.
 */
export function sendError(
  res: Response,
  page: Page,
  status: number,
  message: string | SafeHtml,
  back?: { href: string; label: string },
  fromProvider = false,
): void {
  const title =
    status === 400
      ? page.t("simulator.error.badRequest")
      : status === 404
        ? page.t("simulator.error.notFound")
        : status === 409
          ? page.t("simulator.error.conflict")
          : page.t("simulator.error.title");
  const shown =
    fromProvider && !page.locale.startsWith("en")
      ? html`${page.t("simulator.error.providerSaid")} <bdi lang="en">${message}</bdi>`
      : message;
  sendPage(
    res,
    page,
    status,
    title,
    html`<p class="error">${shown}</p>
      ${back ? html`<p><a href="${page.href(back.href)}">${back.label}</a></p>` : ""}`,
  );
}
