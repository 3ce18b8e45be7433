import {
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFName,
  type PDFObject,
  PDFRef,
  PDFStream,
} from "pdf-lib";

export type StrippedPdf =
  { ok: true; bytes: Buffer } | { ok: false; reason: "unreadable" | "encrypted" };

const METADATA = PDFName.of("Metadata");
/** Authoring applications' private data (an editor's own record of the document). */
const PIECE_INFO = PDFName.of("PieceInfo");

/** Every indirect object reachable from `roots`, by its reference's tag. */
function reachable(doc: PDFDocument, roots: PDFObject[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item instanceof PDFRef) {
      if (seen.has(item.tag)) continue;
      seen.add(item.tag);
      const target = doc.context.lookup(item);
      if (target) stack.push(target);
    } else if (item instanceof PDFDict) {
      for (const [, value] of item.entries()) stack.push(value);
    } else if (item instanceof PDFArray) {
      stack.push(...item.asArray());
    } else if (item instanceof PDFStream) {
      stack.push(item.dict);
    }
  }
  return seen;
}

/**
 * The PDF rewritten without its metadata: the document Info dictionary (author, creator,
 * producer, title, subject, keywords, dates), the file identifier, every XMP `/Metadata`
 * stream (the catalog's, the pages', any other object's) and applications' `/PieceInfo`. Objects nothing references any more, such as
 * an earlier revision's Info left behind by an incremental update, are dropped too, so the
 * stored file holds only what the document shows. Encrypted PDFs are refused: their
 * metadata can't be removed without the password. A file that doesn't parse as a PDF, or
 * has no readable page tree, is `unreadable`.
 */
export async function stripPdfMetadata(bytes: Uint8Array): Promise<StrippedPdf> {
  let doc: PDFDocument;
  try {
    // ignoreEncryption: pdf-lib's own EncryptedPDFError can't be told apart by `instanceof`.
    doc = await PDFDocument.load(bytes, { updateMetadata: false, ignoreEncryption: true });
  } catch {
    return { ok: false, reason: "unreadable" };
  }
  if (doc.isEncrypted) return { ok: false, reason: "encrypted" };
  try {
    if (doc.getPageCount() < 1) return { ok: false, reason: "unreadable" };
    delete doc.context.trailerInfo.Info;
    // The file identifier often derives from the original's path and creation time.
    delete doc.context.trailerInfo.ID;
    // Every object's, not only the catalog's and pages': images and fonts carry XMP too.
    for (const [, object] of doc.context.enumerateIndirectObjects()) {
      const dict = object instanceof PDFStream ? object.dict : object;
      if (dict instanceof PDFDict) {
        dict.delete(METADATA);
        dict.delete(PIECE_INFO);
      }
    }
    const root = doc.context.trailerInfo.Root;
    const keep = reachable(doc, root ? [root] : []);
    for (const [ref] of doc.context.enumerateIndirectObjects()) {
      if (!keep.has(ref.tag)) doc.context.delete(ref);
    }
    // Without object streams, so what is stored can be checked for leftovers byte by byte.
    const saved = await doc.save({ useObjectStreams: false, updateFieldAppearances: false });
    return { ok: true, bytes: Buffer.from(saved) };
  } catch {
    return { ok: false, reason: "unreadable" };
  }
}
