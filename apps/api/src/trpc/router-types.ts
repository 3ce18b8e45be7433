// Types only: what the console imports to get a typed tRPC client.
export type { AppRouter } from "./router";
