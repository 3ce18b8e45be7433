import { readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import {
  flattenCatalog,
  type Locale,
  MESSAGE_CATALOGS,
  SUPPORTED_LOCALES,
  translator,
} from "@an/domain";
import type { Page } from "playwright-core";
import { artifactsDir, captureFullPage } from "./stack";

/*
 * What every console page is held to in the browser tests, in any locale and at any
 * width: axe-core finds no serious or critical WCAG 2.1 A/AA violation, nothing overflows
 * the viewport sideways, no text is cut off, and no text is left untranslated.
 */

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve("axe-core/axe.min.js"),
  "utf8",
);

/** Where the page screenshots go: artifacts/e2e/pages/<page>-<locale>-<width>.png. */
export const pagesDir = join(artifactsDir, "pages");

export type AuditFindings = {
  axe: string[];
  overflow: string[];
  clipped: string[];
  untranslated: string[];
};

/**
 * English console and simulator texts that `locale` words differently: seeing one of them
 * on a page in that locale means a string was left untranslated. Texts the locale also
 * uses itself (a German "Name", a French "Total") are left out.
 */
export function englishOnlyTexts(locale: Locale): string[] {
  if (locale === "en") return [];
  const t = translator(locale);
  const own = new Set<string>();
  for (const tag of [locale, locale.split("-")[0] as Locale]) {
    for (const text of flattenCatalog(MESSAGE_CATALOGS[tag] ?? {}).values()) own.add(text);
  }
  const english = flattenCatalog(MESSAGE_CATALOGS.en);
  const out: string[] = [];
  for (const [key, text] of english) {
    if (!key.startsWith("console.") && !key.startsWith("simulator.")) continue;
    // Only whole texts a page shows as they are: no placeholders, some letters.
    if (text.includes("{{") || !/\p{L}{3}/u.test(text) || own.has(text)) continue;
    if (t(key) !== text) out.push(text);
  }
  return out;
}

/** Runs every check on the page as it is now. */
export async function auditPage(page: Page, locale: Locale): Promise<AuditFindings> {
  if (!(await page.evaluate(() => "axe" in window))) {
    await page.addScriptTag({ content: axeSource });
  }
  const axe = await page.evaluate(async () => {
    const result = await (
      window as unknown as {
        axe: {
          run: (
            context: Document,
            options: object,
          ) => Promise<{
            violations: {
              id: string;
              impact: string | null;
              help: string;
              nodes: { target: unknown[] }[];
            }[];
          }>;
        };
      }
    ).axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
      resultTypes: ["violations"],
    });
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map(
        (v) =>
          `${v.id} (${v.impact}): ${v.help} — ${v.nodes
            .slice(0, 4)
            .map((n) => JSON.stringify(n.target))
            .join(", ")}${v.nodes.length > 4 ? ` and ${v.nodes.length - 4} more` : ""}`,
      );
  });

  const layout = await page.evaluate(
    ({ rtl, englishOnly }) => {
      const describe = (el: Element): string => {
        const text = (el.textContent ?? "").trim().replace(/\s+/g, " ").slice(0, 60);
        const id = el.getAttribute("data-testid") ?? el.getAttribute("aria-label") ?? "";
        return `<${el.tagName.toLowerCase()}${id ? ` "${id}"` : ""}> ${JSON.stringify(text)}`;
      };
      const visible = (el: Element): boolean => {
        const style = getComputedStyle(el);
        if (style.visibility === "hidden" || style.display === "none") return false;
        const box = el.getBoundingClientRect();
        // A 1 px box is text for screen readers only (VisuallyHidden), not text cut off.
        return box.width > 1 && box.height > 1;
      };

      // Sideways overflow of the page itself; what sticks out, for the message.
      const overflow: string[] = [];
      const root = document.documentElement;
      if (root.scrollWidth > root.clientWidth + 1) {
        const width = root.clientWidth;
        overflow.push(`page is ${root.scrollWidth}px wide in a ${width}px viewport`);
        for (const el of document.body.querySelectorAll("*")) {
          const box = el.getBoundingClientRect();
          if ((box.right > width + 1 || box.left < -1) && visible(el)) {
            const parent = el.parentElement?.getBoundingClientRect();
            // Report the outermost element that sticks out, not all its children.
            if (!parent || (parent.right <= width + 1 && parent.left >= -1)) {
              overflow.push(describe(el));
            }
          }
          if (overflow.length > 6) break;
        }
      }

      // Text cut off by its box: an element with its own text whose content is wider (or,
      // line-clamped, taller) than the box that hides the rest.
      const clipped: string[] = [];
      for (const el of document.body.querySelectorAll("*")) {
        if (!(el instanceof HTMLElement) || el.closest("input, textarea, select, svg")) continue;
        const ownText = [...el.childNodes].some(
          (n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? "").trim() !== "",
        );
        if (!ownText || !visible(el)) continue;
        const style = getComputedStyle(el);
        const hidesX =
          ["hidden", "clip"].includes(style.overflowX) || style.textOverflow === "ellipsis";
        const hidesY =
          ["hidden", "clip"].includes(style.overflowY) &&
          style.webkitLineClamp !== "none" &&
          style.webkitLineClamp !== "";
        if (
          (hidesX && el.scrollWidth > el.clientWidth + 1) ||
          (hidesY && el.scrollHeight > el.clientHeight + 1)
        ) {
          clipped.push(describe(el));
        }
      }

      // Untranslated text. In Arabic: a visible text node with Latin letters and no Arabic
      // ones, outside the places data keeps its own direction. Elsewhere: a text node that
      // is exactly an English catalog text this locale words differently.
      const untranslated: string[] = [];
      const isolated =
        "bdi, code, pre, kbd, samp, [dir]:not(html), [translate='no'], script, style, noscript, input, textarea, select, option, title";
      const english = new Set(englishOnly);
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = (node.textContent ?? "").trim();
        const parent = node.parentElement;
        if (!text || !parent || parent.closest(isolated) || !visible(parent)) continue;
        const latinOnly = /[A-Za-z]{2}/.test(text) && !/[\u0600-\u06FF]/.test(text);
        if ((rtl && latinOnly) || english.has(text)) {
          untranslated.push(`${JSON.stringify(text.slice(0, 80))} in ${describe(parent)}`);
        }
      }
      return { overflow, clipped: clipped.slice(0, 20), untranslated: untranslated.slice(0, 30) };
    },
    { rtl: locale === "ar" || locale.startsWith("ar-"), englishOnly: englishOnlyTexts(locale) },
  );
  return { axe, ...layout };
}

/** Saves the page as it is, from the top, as pages/<name>-<locale>-<width>.png. */
export async function screenshotPage(page: Page, name: string, locale: Locale): Promise<string> {
  await mkdir(pagesDir, { recursive: true });
  const width = page.viewportSize()?.width ?? 0;
  const path = join(pagesDir, `${name}-${locale}-${width}.png`);
  await page.evaluate(() => window.scrollTo(0, 0));
  await captureFullPage(page, path, { animations: "disabled" });
  return path;
}

/** The locales the console speaks, for the tests. */
export const LOCALES: readonly Locale[] = SUPPORTED_LOCALES;
