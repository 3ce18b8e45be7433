import sharp from "sharp";
import type { ImageType } from "./image-type";

/** Longest side, in pixels, of a stored avatar; larger pictures are scaled down. */
export const AVATAR_MAX_SIDE = 1024;
/**
 * Decoding stops beyond this many pixels, so a small file that unpacks into a huge bitmap
 * (a "decompression bomb") can't exhaust memory. 100 MP is more than any phone camera.
 */
const MAX_INPUT_PIXELS = 100_000_000;

/**
 * Decodes an uploaded picture and encodes it afresh in the same format: turned upright by
 * its EXIF orientation, scaled to at most `AVATAR_MAX_SIDE` on its longest side, and
 * written without any metadata (EXIF — GPS position, camera, time —, XMP, IPTC, ICC:
 * colours are converted to sRGB). Only the first frame of an animation is kept.
 * Null when the bytes can't be decoded as the image their header claims.
 */
export async function reencodeImage(
  bytes: Buffer,
  type: ImageType,
  options: { maxSide?: number } = {},
): Promise<Buffer | null> {
  const maxSide = options.maxSide ?? AVATAR_MAX_SIDE;
  const image = sharp(bytes, {
    failOn: "error",
    limitInputPixels: MAX_INPUT_PIXELS,
    animated: false,
  })
    // Applies the EXIF orientation to the pixels; the tag itself goes with the rest.
    .rotate()
    .resize({
      width: maxSide,
      height: maxSide,
      fit: "inside",
      withoutEnlargement: true,
    });
  const encoded =
    type.mime === "image/png"
      ? image.png({ compressionLevel: 9 })
      : type.mime === "image/jpeg"
        ? image.jpeg({ quality: 85, mozjpeg: true })
        : image.webp({ quality: 85 });
  try {
    // sharp writes no metadata unless asked to (keepMetadata/withMetadata): none is asked for.
    return await encoded.toBuffer();
  } catch {
    return null;
  }
}
