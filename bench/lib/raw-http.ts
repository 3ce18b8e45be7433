// A minimal HTTP/1.1 keep-alive client for the webhook bench's load generators, as wrk and
// autocannon do it: each request is written as one string on a raw socket, and the answer
// is read only as far as its status line and Content-Length. On 2 cores the generator's
// CPU is taken from the server under test; Node's own HTTP client spent 129 µs of it per
// delivery (bench/webhooks.ts, HTTP run), more than the API's whole handling. Imports
// nothing but Node, so bench/lib/open-loop.ts stays a small process.
import net from "node:net";

/** The server closed the connection before any of the answer came: safe to send again. */
export class UnansweredError extends Error {
  constructor() {
    super("the server closed the connection before answering");
  }
}

/** One keep-alive connection: one request at a time, answered in order. */
export class RawHttpConnection {
  private readonly socket: net.Socket;
  private pending: { resolve: (status: number) => void; reject: (e: Error) => void } | null = null;
  private chunks: Buffer[] = [];
  private received = 0;
  private closed: Error | null = null;

  constructor(port: number, host = "127.0.0.1") {
    this.socket = net.connect({ port, host, noDelay: true });
    this.socket.on("data", (chunk: Buffer) => this.onData(chunk));
    const fail = (error: Error) => {
      this.closed = error;
      this.pending?.reject(error);
      this.pending = null;
    };
    // Nothing of the answer read when the connection went: the server closed it as idle
    // (Node's keep-alive timeout) as the request went out, and never read the request.
    const unanswered = () => this.received === 0;
    this.socket.on("error", (error: NodeJS.ErrnoException) =>
      fail(
        unanswered() && (error.code === "ECONNRESET" || error.code === "EPIPE")
          ? new UnansweredError()
          : error,
      ),
    );
    this.socket.on("close", () =>
      fail(unanswered() ? new UnansweredError() : new Error("the server closed the connection")),
    );
  }

  /** POSTs `body` (a string of JSON) to `path` with `headers`; resolves with the status. */
  post(path: string, body: string, headers: Record<string, string>): Promise<number> {
    if (this.closed) return Promise.reject(this.closed);
    if (this.pending) return Promise.reject(new Error("one request at a time per connection"));
    let head =
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n`;
    for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
    return new Promise<number>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.socket.write(`${head}\r\n${body}`);
    });
  }

  /** False once the socket is gone: the server closes idle keep-alive connections. */
  get open(): boolean {
    return this.closed === null;
  }

  close() {
    this.socket.destroy();
  }

  private onData(chunk: Buffer) {
    this.chunks.push(chunk);
    this.received += chunk.length;
    const data = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks = [data];
    const end = data.indexOf("\r\n\r\n");
    if (end === -1) return;
    const head = data.toString("latin1", 0, end);
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    const pending = this.pending;
    if (!length || !pending || /\r\ntransfer-encoding:/i.test(head)) {
      // Only what the webhook routes answer (a sized JSON body, asked for) is expected.
      const error = new Error(`unexpected answer: ${head.split("\r\n")[0]}`);
      this.closed = error;
      this.pending = null;
      this.socket.destroy();
      pending?.reject(error);
      return;
    }
    const total = end + 4 + Number(length[1]);
    if (this.received < total) return;
    this.chunks = [];
    this.received = 0;
    this.pending = null;
    if (/\r\nconnection: *close/i.test(head)) this.socket.end();
    pending.resolve(status);
  }
}

/**
 * Connections handed out one request at a time, opened as needed up to `max`; past that,
 * a request waits for the next connection to come free (as Node's agent queues past
 * `maxSockets`), so a stalled server shows as latency, not as a failed run.
 */
export class RawHttpPool {
  private readonly idle: RawHttpConnection[] = [];
  private readonly all: RawHttpConnection[] = [];
  private readonly waiting: ((connection: RawHttpConnection) => void)[] = [];

  constructor(
    private readonly port: number,
    private readonly max: number,
  ) {}

  async post(path: string, body: string, headers: Record<string, string>): Promise<number> {
    // Once more on a fresh connection if the server closed an idle one under the request
    // (after a pause between phases longer than its keep-alive timeout), as HTTP clients
    // do for a request that was never answered; a delivery is idempotent anyway.
    for (let attempt = 1; ; attempt += 1) {
      const connection = await this.take();
      try {
        return await connection.post(path, body, headers);
      } catch (error) {
        if (!(error instanceof UnansweredError) || attempt === 2) throw error;
      } finally {
        this.give(connection);
      }
    }
  }

  close() {
    for (const c of this.all) c.close();
  }

  private take(): Promise<RawHttpConnection> | RawHttpConnection {
    let connection = this.idle.pop();
    while (connection && !connection.open) connection = this.idle.pop();
    if (connection) return connection;
    for (let i = this.all.length - 1; i >= 0; i -= 1) {
      if (!this.all[i]!.open) this.all.splice(i, 1);
    }
    if (this.all.length < this.max) {
      const opened = new RawHttpConnection(this.port);
      this.all.push(opened);
      return opened;
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private give(connection: RawHttpConnection) {
    if (!connection.open) {
      // Its place goes to a fresh connection for whoever waits.
      const next = this.waiting.shift();
      if (next) {
        const index = this.all.indexOf(connection);
        if (index !== -1) this.all.splice(index, 1);
        const opened = new RawHttpConnection(this.port);
        this.all.push(opened);
        next(opened);
      }
      return;
    }
    const next = this.waiting.shift();
    if (next) next(connection);
    else this.idle.push(connection);
  }
}
