import { describe, expect, it } from "vitest";
import { formatDuration } from "./format";

/** ICU separates a number from its unit with a (narrow) no-break space; read it as a space. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

describe("formatDuration", () => {
  it.each([
    [null, "—"],
    [0, "0 sec"],
    [59, "59 sec"],
    [60, "1 min"],
    [3_599, "59 min"],
    [3_600, "1 hr"],
    [7_500, "2 hr 5 min"],
  ] as const)("%s seconds read as %s in English", (seconds, expected) => {
    expect(plain(formatDuration(seconds, "en"))).toBe(expected);
  });

  it("speaks the operator's language", () => {
    expect(plain(formatDuration(7_500, "de"))).toBe("2 Std., 5 Min.");
    expect(plain(formatDuration(7_500, "fr"))).toBe("2 h 5 min");
  });
});
