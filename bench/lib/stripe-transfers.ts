// A loopback Stripe for the payout benchmark: `POST /v1/transfers` as Stripe answers it,
// held in this process's memory, so the workers reach it as they reach Stripe in production
// (the real SDK, over HTTP, with an idempotency key) and the provider's own bookkeeping
// doesn't take the CPU of the 2 cores the system under test runs on. The in-process
// simulator keeps its state in PostgreSQL, shared by the processes that embed it: about a
// dozen statements per transfer on the benchmark's machine, none of which a real provider
// costs us.
//
// It applies the rules the simulator applies to a transfer (see
// packages/billing/src/simulated/transfers.ts): a request-rate limit (a token bucket,
// 429 + Retry-After with code `rate_limit`), idempotency keys (the same key and parameters
// replay the first answer; other parameters are refused), a known destination account, and
// a known `source_transaction` in the transfer's currency that never funds more than it
// brought in.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { freshBucket, takeToken, type TokenBucket } from "@an/billing";

export type LoopbackTransfer = {
  id: string;
  amount: number;
  currency: string;
  destination: string;
  sourceTransaction: string;
  payoutItemId: string | null;
  /** Milliseconds since the epoch. */
  createdMs: number;
};

export type LoopbackStripe = {
  /** `http://127.0.0.1:<port>`, for `STRIPE_API_BASE`. */
  url: string;
  /** A connected account that can receive transfers, and a charge that can fund them. */
  addAccount(accountId: string): void;
  addCharge(chargeId: string, amount: number, currency: string): void;
  /** Requests admitted and refused (429) since the last reset, and other paths asked for. */
  stats(): { accepted: number; throttled: number; other: number };
  resetStats(): void;
  transfers(): LoopbackTransfer[];
  close(): Promise<void>;
};

type Answer = { status: number; body: unknown; headers?: Record<string, string> };

function stripeError(status: number, type: string, code: string | null, message: string): Answer {
  return { status, body: { error: { type, ...(code ? { code } : {}), message } } };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export async function startLoopbackStripe(input: { rateLimit: number }): Promise<LoopbackStripe> {
  const accounts = new Set<string>();
  const charges = new Map<string, { amount: number; currency: string; transferred: number }>();
  const byKey = new Map<string, { params: string; answer: Answer }>();
  const made: LoopbackTransfer[] = [];
  let bucket: TokenBucket = freshBucket(input.rateLimit, Date.now());
  let other = 0;
  let seq = 0;

  function createTransfer(form: URLSearchParams): Answer {
    const amount = Number(form.get("amount"));
    const currency = form.get("currency") ?? "";
    const destination = form.get("destination") ?? "";
    const source = form.get("source_transaction") ?? "";
    if (!Number.isInteger(amount) || amount <= 0) {
      return stripeError(
        400,
        "invalid_request_error",
        "parameter_invalid_integer",
        "amount must be a positive integer",
      );
    }
    if (!accounts.has(destination)) {
      return stripeError(
        400,
        "invalid_request_error",
        "resource_missing",
        `No such destination: '${destination}'`,
      );
    }
    const charge = charges.get(source);
    if (!charge) {
      return stripeError(
        400,
        "invalid_request_error",
        "resource_missing",
        `No such source_transaction: '${source}'`,
      );
    }
    if (charge.currency !== currency) {
      return stripeError(
        400,
        "invalid_request_error",
        "parameter_invalid",
        `The currency of source_transaction's balance transaction (${charge.currency}) must be the same as the transfer currency (${currency}).`,
      );
    }
    if (charge.transferred + amount > charge.amount) {
      return stripeError(
        400,
        "invalid_request_error",
        "amount_too_large",
        `Transfers funded by ${source} would total ${charge.transferred + amount}, more than the charge's ${charge.amount}.`,
      );
    }
    charge.transferred += amount;
    const createdMs = Date.now();
    seq += 1;
    const id = `tr_bench${seq.toString().padStart(12, "0")}`;
    const payoutItemId = form.get("metadata[payout_item_id]");
    made.push({
      id,
      amount,
      currency,
      destination,
      sourceTransaction: source,
      payoutItemId,
      createdMs,
    });
    return {
      status: 200,
      body: {
        id,
        object: "transfer",
        amount,
        amount_reversed: 0,
        balance_transaction: `txn_bench${seq.toString().padStart(12, "0")}`,
        created: Math.floor(createdMs / 1000),
        currency,
        destination,
        livemode: false,
        metadata: {
          ...(payoutItemId ? { payout_item_id: payoutItemId } : {}),
          ...(form.get("metadata[consultation_id]")
            ? { consultation_id: form.get("metadata[consultation_id]") }
            : {}),
        },
        reversals: {
          object: "list",
          data: [],
          has_more: false,
          url: `/v1/transfers/${id}/reversals`,
        },
        reversed: false,
        source_transaction: source,
        transfer_group: form.get("transfer_group"),
      },
    };
  }

  async function handle(req: IncomingMessage): Promise<Answer> {
    const path = (req.url ?? "").split("?")[0];
    const raw = await readBody(req);
    if (req.method !== "POST" || path !== "/v1/transfers") {
      other += 1;
      return stripeError(
        404,
        "invalid_request_error",
        "resource_missing",
        `Unrecognized request URL (${req.method}: ${path}).`,
      );
    }
    const taken = takeToken(bucket, input.rateLimit, Date.now());
    bucket = taken.bucket;
    if (!taken.verdict.admitted) {
      return {
        ...stripeError(429, "invalid_request_error", "rate_limit", "Request rate limit exceeded."),
        headers: { "retry-after": String(Math.max(1, Math.ceil(taken.verdict.waitSeconds))) },
      };
    }
    const key = req.headers["idempotency-key"];
    if (typeof key !== "string") return createTransfer(new URLSearchParams(raw));
    const seen = byKey.get(key);
    if (seen) {
      if (seen.params !== raw) {
        return stripeError(
          400,
          "idempotency_error",
          null,
          `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        );
      }
      return { ...seen.answer, headers: { "idempotent-replayed": "true" } };
    }
    const answer = createTransfer(new URLSearchParams(raw));
    // A transfer is made in one synchronous step here, so no key is ever still in progress.
    byKey.set(key, { params: raw, answer });
    return answer;
  }

  let requestId = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    handle(req).then(
      (answer) => {
        requestId += 1;
        const body = JSON.stringify(answer.body);
        res.writeHead(answer.status, {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          "request-id": `req_bench${requestId}`,
          ...answer.headers,
        });
        res.end(body);
      },
      (error: unknown) => {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { type: "api_error", message: String(error) } }));
      },
    );
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    addAccount: (id) => accounts.add(id),
    addCharge: (id, amount, currency) =>
      charges.set(id, { amount, currency: currency.toLowerCase(), transferred: 0 }),
    stats: () => ({ accepted: bucket.accepted, throttled: bucket.throttled, other }),
    resetStats: () => {
      bucket = { ...bucket, accepted: 0, throttled: 0 };
      other = 0;
    },
    transfers: () => [...made],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
