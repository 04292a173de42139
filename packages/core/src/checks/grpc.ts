// The `grpc` kind, after the kubelet's pkg/probe/grpc: grpc.health.v1.Health/Check, success iff SERVING.
// One unary call spoken over node:http2 rather than through @grpc/grpc-js: grpc-js cannot cancel a connection
// that is still being set up (closing the client leaves it open), so every run against a server that accepts
// but never answers would leak a socket. Here the abort destroys the session, and nothing loads a .proto.

import type { IncomingHttpHeaders, IncomingHttpStatusHeader } from 'node:http2';
import net from 'node:net';
import { InvalidCheckError } from '../errors.js';
import { lazy } from '../lazy.js';
import type { Outcome, Prober } from '../types.js';
import { VERSION } from '../version.js';
import { abortReason, elapsedMs, errorMessage, host, hostPort, optionsObject, port } from './common.js';

/** Options of the `grpc` kind: a Kubernetes GRPCAction, plus `host`. */
export interface GrpcOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** An integer 1-65535. */
  readonly port: number;
  /** The service asked about; `''` means the whole server. @default '' */
  readonly service?: string;
}

// node:http2 only once a gRPC check runs: most configs have none.
const http2 = lazy<typeof import('node:http2')>('node:http2');

const PATH = '/grpc.health.v1.Health/Check';
const SERVING_STATUSES = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];
// biome-ignore format: one line per four codes reads as the table it is
const CODES = ['OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
  'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED',
  'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED'];
const MAX_RESPONSE_BYTES = 1024; // a HealthCheckResponse is 2 bytes

/** A kubelet-style gRPC health probe over plaintext HTTP/2; the abort signal bounds connect and call together. */
export function grpc(options: GrpcOptions): Prober {
  const o = optionsObject('grpc', options, ['host', 'port', 'service']);
  const hostname = host('grpc.host', o['host']);
  const portNumber = port('grpc.port', o['port']);
  const service = o['service'] ?? '';
  if (typeof service !== 'string') throw new InvalidCheckError('grpc.service', 'must be a string', service);
  const address = hostPort(hostname, portNumber);
  return {
    kind: 'grpc',
    target: `grpc://${address}${service ? `/${encodeURIComponent(service)}` : ''}`,
    identity: { kind: 'grpc', host: hostname, port: portNumber, service },
    componentType: 'component',
    run: (signal) => check(hostname, portNumber, service, signal),
  };
}

function check(hostname: string, portNumber: number, service: string, signal: AbortSignal): Promise<Outcome> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve({ ok: false, output: abortReason(signal) });
    const start = performance.now();
    // Our own socket: destroying the session alone leaves a socket that is still connecting open
    // until the kernel gives up on its SYNs (found against a black-hole target).
    const socket = net.connect({ host: hostname, port: portNumber });
    const session = http2().connect(`http://${hostPort(hostname, portNumber)}`, {
      createConnection: () => socket,
    });
    const finish = (outcome: Outcome) => {
      signal.removeEventListener('abort', onAbort);
      session.destroy();
      socket.destroy();
      resolve(outcome);
    };
    const onAbort = () => finish({ ok: false, output: abortReason(signal) });
    signal.addEventListener('abort', onAbort, { once: true });
    // A failed connection also cancels the pending stream, whose error then carries the session's as its cause.
    const fail = (error: Error) => {
      const cause = (error.cause ?? error) as NodeJS.ErrnoException;
      const hint = cause.code === 'ERR_HTTP2_ERROR' ? 'not an HTTP/2 server? ' : '';
      finish({ ok: false, output: `${hint}${errorMessage(cause)}` });
    };
    session.on('error', fail);

    const stream = session.request({
      ':method': 'POST',
      ':path': PATH,
      'content-type': 'application/grpc',
      te: 'trailers',
      'user-agent': `probekit/${VERSION}`,
    });
    stream.end(frame(encodeRequest(service)));
    let headers: IncomingHttpHeaders & IncomingHttpStatusHeader = {};
    let trailers: IncomingHttpHeaders = {};
    let body = Buffer.alloc(0);
    stream.on('response', (received) => {
      headers = received;
    });
    stream.on('trailers', (received) => {
      trailers = received;
    });
    stream.on('data', (chunk: Buffer) => {
      body = Buffer.concat([body, chunk]);
      if (body.length > MAX_RESPONSE_BYTES)
        finish({ ok: false, output: 'response too large for a HealthCheckResponse' });
    });
    stream.on('error', fail);
    stream.on('close', () => {
      const outcome = decide(headers, trailers, body, service);
      finish(outcome.ok ? { ...outcome, observedValue: elapsedMs(start), observedUnit: 'ms' } : outcome);
    });
  });
}

/** The call's result, from the response headers, the trailers (or a trailers-only response) and the message. */
function decide(
  headers: IncomingHttpHeaders & IncomingHttpStatusHeader,
  trailers: IncomingHttpHeaders,
  body: Buffer,
  service: string,
): Outcome {
  const httpStatus = headers[':status'];
  if (httpStatus === undefined) return { ok: false, output: 'the stream closed without a response' };
  if (httpStatus !== 200) return { ok: false, output: `unexpected HTTP status ${httpStatus}` };
  if (!String(headers['content-type']).startsWith('application/grpc')) {
    return { ok: false, output: `not a gRPC server (content-type ${headers['content-type'] ?? 'missing'})` };
  }
  const code = Number(trailers['grpc-status'] ?? headers['grpc-status'] ?? Number.NaN);
  if (Number.isNaN(code)) return { ok: false, output: 'the response ended without a grpc-status' };
  if (code === 5) return { ok: false, output: `service ${JSON.stringify(service)} not found` };
  if (code === 12) return { ok: false, output: 'the server does not implement grpc.health.v1.Health' };
  if (code !== 0)
    return { ok: false, output: `${CODES[code] ?? `code ${code}`}: ${grpcMessage(trailers, headers)}` };
  // Length-prefixed message: a compressed flag (never set, as we accept no encoding) and a 4-byte length.
  if (body.length < 5 || body[0] !== 0 || body.readUInt32BE(1) !== body.length - 5) {
    return { ok: false, output: 'malformed HealthCheckResponse' };
  }
  const status = decodeStatus(body.subarray(5));
  if (status === undefined) return { ok: false, output: 'malformed HealthCheckResponse' };
  return status === 1
    ? { ok: true }
    : { ok: false, output: SERVING_STATUSES[status] ?? `serving status ${status}` };
}

function grpcMessage(...sources: IncomingHttpHeaders[]): string {
  const raw = String(sources.find((s) => s['grpc-message'] !== undefined)?.['grpc-message'] ?? '');
  try {
    return decodeURIComponent(raw); // percent-encoded on the wire
  } catch {
    return raw;
  }
}

function frame(message: Buffer): Buffer {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(message.length, 1);
  return Buffer.concat([prefix, message]);
}

// HealthCheckRequest { string service = 1; }: proto3 leaves the default '' out.
function encodeRequest(service: string): Buffer {
  const bytes = Buffer.from(service, 'utf8');
  if (bytes.length === 0) return bytes;
  const length: number[] = [];
  let n = bytes.length;
  for (; n >= 0x80; n >>>= 7) length.push((n & 0x7f) | 0x80);
  length.push(n);
  return Buffer.concat([Buffer.from([0x0a, ...length]), bytes]);
}

// HealthCheckResponse { ServingStatus status = 1; }: unknown fields are skipped, as protobuf requires.
function decodeStatus(buffer: Buffer): number | undefined {
  let offset = 0;
  const varint = () => {
    let value = 0;
    for (let shift = 0; shift < 64; shift += 7) {
      const byte = buffer[offset++];
      if (byte === undefined) return undefined;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
    return undefined;
  };
  let status = 0;
  while (offset < buffer.length) {
    const key = varint();
    if (key === undefined) return undefined;
    const wireType = key % 8;
    const value =
      wireType === 0 || wireType === 2 ? varint() : wireType === 1 ? 8 : wireType === 5 ? 4 : undefined;
    if (value === undefined) return undefined;
    if (key === 0x08) status = value;
    else if (wireType !== 0) offset += value;
  }
  return offset === buffer.length ? status : undefined;
}
