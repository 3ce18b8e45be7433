import { startEmbeddedPostgres } from "@an/db/embedded";
import { PRODUCTION_SETTINGS } from "./lib/cluster";
const pg = await startEmbeddedPostgres({
  dataDir: "/tmp/pgdev/data",
  port: 55432,
  durable: true,
  settings: PRODUCTION_SETTINGS,
});
console.log(pg.url);
setInterval(() => {}, 1 << 30);
