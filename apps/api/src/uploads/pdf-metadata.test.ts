import { PDFDict, PDFDocument, PDFName, PDFString } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { stripPdfMetadata } from "./pdf-metadata";

/** A one-page PDF, uncompressed so what it holds can be read in its bytes. */
async function pdf(build: (doc: PDFDocument) => void): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.addPage([100, 100]).drawText("body text", { x: 5, y: 50, size: 10 });
  build(doc);
  return doc.save({ useObjectStreams: false });
}

const latin1 = (bytes: Uint8Array) => Buffer.from(bytes).toString("latin1");

describe("stripPdfMetadata", () => {
  it("drops objects nothing references, such as an earlier revision's Info", async () => {
    const bytes = await pdf((doc) => {
      doc.context.register(doc.context.obj({ Author: PDFString.of("orphaned-author") }));
    });
    expect(latin1(bytes)).toContain("orphaned-author");
    const out = await stripPdfMetadata(bytes);
    expect(out.ok).toBe(true);
    expect(latin1(out.ok ? out.bytes : new Uint8Array())).not.toContain("orphaned-author");
  });

  it("removes XMP from any object, not only the catalog and pages", async () => {
    const bytes = await pdf((doc) => {
      const xmp = doc.context.register(
        doc.context.stream("font-xmp-marker", { Type: "Metadata", Subtype: "XML" }),
      );
      const font = doc.context.register(
        doc.context.obj({ Type: "Font", Subtype: "Type1", BaseFont: "Courier" }),
      );
      doc.context.lookup(font, PDFDict).set(PDFName.of("Metadata"), xmp);
      doc.getPage(0).node.setFontDictionary(PDFName.of("F9"), font);
    });
    expect(latin1(bytes)).toContain("font-xmp-marker");
    const out = await stripPdfMetadata(bytes);
    expect(out.ok && latin1(out.bytes)).not.toContain("font-xmp-marker");
    // The page still uses the font: only its metadata went.
    expect(out.ok && latin1(out.bytes)).toContain("/BaseFont /Courier");
  });

  it("keeps what the document shows", async () => {
    const bytes = await pdf(() => undefined);
    const out = await stripPdfMetadata(bytes);
    if (!out.ok) throw new Error(out.reason);
    const doc = await PDFDocument.load(out.bytes);
    expect(doc.getPageCount()).toBe(1);
    expect(doc.getPage(0).getSize()).toEqual({ width: 100, height: 100 });
  });
});
