/**
 * Where the browser loads uploaded files from. The API serves local uploads at `/uploads`
 * (proxied by the dev server); with a bucket, set `VITE_UPLOADS_BASE_URL` to its public URL.
 */
const configuredBase: unknown = import.meta.env.VITE_UPLOADS_BASE_URL;
const UPLOADS_BASE_URL = (typeof configuredBase === "string" && configuredBase) || "/uploads";

/** The URL of an uploaded file from its stored path (`avatars/…/x.png`); full URLs pass through. */
export function uploadUrl(path: string): string {
  if (/^https?:\/\//i.test(path)) return path;
  return `${UPLOADS_BASE_URL.replace(/\/$/, "")}/${path.replace(/^\//, "")}`;
}
