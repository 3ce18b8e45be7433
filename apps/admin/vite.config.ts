import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/**
 * The console's dev server. `ADMIN_PORT` (default 5173) is where it listens; `/trpc`, the
 * health endpoints and `/uploads` are proxied to `API_URL` (default http://127.0.0.1:3000), read when
 * the config loads, so the e2e test can point it at the API it started.
 */
export default defineConfig(() => {
  const apiUrl = process.env.API_URL ?? "http://127.0.0.1:3000";
  const proxied = { target: apiUrl, changeOrigin: false };
  return {
    plugins: [react()],
    server: {
      host: "127.0.0.1",
      port: Number(process.env.ADMIN_PORT ?? 5173),
      strictPort: true,
      proxy: {
        "/trpc": proxied,
        "/healthz": proxied,
        "/readyz": proxied,
        // Avatars in local upload storage, shown on the application review page.
        "/uploads": proxied,
      },
    },
    preview: { host: "127.0.0.1" },
  };
});
