import { describe, expect, it } from "vitest";
import ar from "../locales/ar.json";
import de from "../locales/de.json";
import en from "../locales/en.json";
import es from "../locales/es.json";
import fr from "../locales/fr.json";
import { translate } from "./i18n";

const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
const flatten = (catalog: Record<string, Record<string, string>>) =>
  Object.entries(catalog).flatMap(([section, messages]) =>
    Object.entries(messages).map(([name, text]) => [`${section}.${name}`, text] as const),
  );

describe("console catalogs", () => {
  it.each([
    ["ar", ar],
    ["fr", fr],
    ["es", es],
    ["de", de],
  ])("%s has every English message, translated, with the same placeholders", (_, catalog) => {
    const english = new Map(flatten(en));
    const translated = new Map(flatten(catalog));
    expect([...translated.keys()].sort()).toEqual([...english.keys()].sort());
    for (const [key, text] of english) {
      expect(placeholders(translated.get(key)!), key).toEqual(placeholders(text));
      if (placeholders(text).length < text.split(" ").length - 1) {
        expect(translated.get(key), key).not.toBe(text);
      }
    }
  });

  it("fills placeholders in the operator's language", () => {
    expect(translate("fr", "unappliedCharge.confirm", { amount: "1,00 $US" })).toBe(
      "Rembourser 1,00 $US",
    );
    expect(translate("en", "unappliedCharge.reasonTooShort", { min: 10 })).toBe(
      "Write at least 10 characters.",
    );
  });
});
