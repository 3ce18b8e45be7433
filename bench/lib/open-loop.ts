// The webhook bench's open-loop load generator, in a process of its own: a small heap,
// so its garbage collections don't pause the clock the latencies are read from (in the
// bench's own process they did, for 10-18 ms at a time, with tens of megabytes of signed
// bodies and a database client alive). Imports nothing but Node and raw-http.ts.
//
//   node --import tsx bench/lib/open-loop.ts <port> <path> <rate> <warmupCount> <bodiesFile>
//
// Sends each body (JSON lines of {body, signature}) at its scheduled time, `rate` per
// second; the first `warmupCount` are a warm-up, not measured. Latency counts from the
// scheduled time, so a slow server can't hide its queue. Prints one JSON line:
// {latencies, errors, seconds}.
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { RawHttpPool } from "./raw-http";

const [port, path, rateText, warmupText, file] = process.argv.slice(2);
const rate = Number(rateText);
const warmup = Number(warmupText);
const deliveries = readFileSync(file!, "utf8")
  .split("\n")
  .filter(Boolean)
  .map((line) => JSON.parse(line) as { body: string; signature: string });
const pool = new RawHttpPool(Number(port), 64);

function post(d: { body: string; signature: string }): Promise<number> {
  return pool.post(path!, d.body, { "stripe-signature": d.signature });
}

/** Sends `items` at `rate`/s from one timer; resolves with each one's latency from its due time. */
function run(items: typeof deliveries) {
  const latencies: number[] = [];
  let errors = 0;
  const t0 = performance.now();
  return new Promise<{ latencies: number[]; errors: number; seconds: number }>(
    (resolve, reject) => {
      let sent = 0;
      let answered = 0;
      const tick = () => {
        while (sent < items.length && t0 + (sent * 1000) / rate <= performance.now()) {
          const i = sent++;
          const due = t0 + (i * 1000) / rate;
          post(items[i]!).then((status) => {
            if (status !== 200) errors += 1;
            latencies.push(performance.now() - due);
            answered += 1;
            if (answered === items.length) {
              resolve({ latencies, errors, seconds: (performance.now() - t0) / 1000 });
            }
          }, reject);
        }
        if (sent < items.length) {
          setTimeout(tick, Math.max(0, t0 + (sent * 1000) / rate - performance.now()));
        }
      };
      tick();
    },
  );
}

await run(deliveries.slice(0, warmup));
const measured = await run(deliveries.slice(warmup));
pool.close();
process.stdout.write(`${JSON.stringify(measured)}\n`);
