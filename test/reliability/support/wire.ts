// HTTP at the byte level: send exactly these bytes on a fresh socket, read everything back, parse it strictly.
// node's own client would refuse to send most of what the hostile-input tests send, and would forgive bad answers.
import net from 'node:net';

/** What came back on one connection. */
export interface Exchange {
  readonly bytes: Buffer;
  /** The server ended or reset the connection (rather than our timeout). */
  readonly closed: boolean;
  readonly timedOut: boolean;
  /** ECONNRESET, EPIPE, …: the server dropped the connection while we were still writing or reading. */
  readonly error: string | undefined;
  readonly durationMs: number;
}

export interface ExchangeOptions {
  /** @default 3000 */
  readonly timeoutMs?: number;
  /** End our side after writing, so that a server waiting for more of a broken request sees the end at once. */
  readonly halfClose?: boolean;
}

/** Connects to 127.0.0.1:`port`, writes `request`, and reads until the server closes or the timeout passes. */
export function exchange(
  port: number,
  request: string | Buffer,
  options: ExchangeOptions = {},
): Promise<Exchange> {
  const { timeoutMs = 3000, halfClose = false } = options;
  return new Promise((resolve) => {
    const started = performance.now();
    const chunks: Buffer[] = [];
    const socket = net.connect({ host: '127.0.0.1', port });
    let error: string | undefined;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      socket.destroy();
    }, timeoutMs);
    socket.on('connect', () => (halfClose ? socket.end(request) : socket.write(request)));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (cause: NodeJS.ErrnoException) => {
      error = cause.code ?? cause.message;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({
        bytes: Buffer.concat(chunks),
        closed: !timedOut,
        timedOut,
        error,
        durationMs: performance.now() - started,
      });
    });
  });
}

/** One parsed HTTP/1.1 response. */
export interface WireResponse {
  readonly version: string;
  readonly status: number;
  readonly reason: string;
  /** Lower-cased names; repeated headers joined by `, `. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/**
 * Parses the responses on a connection, strictly: a status line, `name: value` header lines, a body
 * framed by content-length or chunked encoding (none after HEAD, 204 or 304). Throws on anything else,
 * including bytes left over.
 */
export function parseResponses(bytes: Buffer, methods: readonly string[] = ['GET']): WireResponse[] {
  const responses: WireResponse[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const method = methods[Math.min(responses.length, methods.length - 1)] ?? 'GET';
    const [response, next] = parseOne(bytes, offset, method);
    responses.push(response);
    offset = next;
  }
  return responses;
}

function parseOne(bytes: Buffer, start: number, method: string): [WireResponse, number] {
  const headEnd = bytes.indexOf('\r\n\r\n', start);
  if (headEnd === -1) throw new Error(`incomplete response head: ${show(bytes.subarray(start))}`);
  const lines = bytes.subarray(start, headEnd).toString('latin1').split('\r\n');
  const statusLine = /^(HTTP\/1\.[01]) ([1-5]\d\d) ?(.*)$/.exec(lines[0] ?? '');
  if (!statusLine) throw new Error(`malformed status line: ${JSON.stringify(lines[0])}`);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const header = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$/.exec(line);
    if (!header) throw new Error(`malformed header line: ${JSON.stringify(line)}`);
    const name = header[1]!.toLowerCase();
    headers[name] = headers[name] === undefined ? header[2]! : `${headers[name]}, ${header[2]}`;
  }
  const status = Number(statusLine[2]);
  let offset = headEnd + 4;
  let body: Buffer = Buffer.alloc(0);
  const bodiless = method === 'HEAD' || status === 204 || status === 304 || status < 200;
  if (!bodiless) {
    if (headers['transfer-encoding'] !== undefined) {
      if (headers['transfer-encoding'].toLowerCase() !== 'chunked')
        throw new Error(`unexpected transfer-encoding ${headers['transfer-encoding']}`);
      [body, offset] = dechunk(bytes, offset);
    } else if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      if (!/^\d+$/.test(headers['content-length']))
        throw new Error(`bad content-length ${headers['content-length']}`);
      if (bytes.length < offset + length)
        throw new Error(`body shorter than content-length ${length}: ${bytes.length - offset} bytes`);
      body = bytes.subarray(offset, offset + length);
      offset += length;
    } else {
      // Delimited by the end of the connection (HTTP/1.0 style): everything left is the body.
      body = bytes.subarray(offset);
      offset = bytes.length;
    }
  }
  return [{ version: statusLine[1]!, status, reason: statusLine[3] ?? '', headers, body }, offset];
}

function dechunk(bytes: Buffer, start: number): [Buffer, number] {
  const parts: Buffer[] = [];
  let offset = start;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', offset);
    if (lineEnd === -1) throw new Error('incomplete chunk size line');
    const size = Number.parseInt(bytes.subarray(offset, lineEnd).toString('latin1'), 16);
    if (!Number.isInteger(size) || size < 0) throw new Error('malformed chunk size');
    offset = lineEnd + 2;
    if (size === 0) {
      const end = bytes.indexOf('\r\n', offset);
      if (end !== offset) throw new Error('trailers are not expected');
      return [Buffer.concat(parts), end + 2];
    }
    if (bytes.length < offset + size + 2) throw new Error('incomplete chunk');
    parts.push(bytes.subarray(offset, offset + size));
    offset += size + 2;
  }
}

/** A short printable excerpt of bytes, for assertion messages. */
export function show(bytes: Buffer, max = 300): string {
  const text = JSON.stringify(bytes.subarray(0, max).toString('latin1'));
  return bytes.length > max ? `${text}… (${bytes.length} bytes)` : text;
}
