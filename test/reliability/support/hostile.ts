// Targets that misbehave on purpose, all on 127.0.0.1: they accept and say nothing, drip a byte at a time,
// never stop talking, reset, talk nonsense — or, for a black hole, never even complete the handshake.
// `hostileProcess()` runs them in a process of their own, so that their floods do not slow the prober's loop.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import http2 from 'node:http2';
import net, { type AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';

export type HostileKind =
  | 'silent'
  | 'trickle'
  | 'endless-body'
  | 'endless-headers'
  | 'reset'
  | 'garbage'
  | 'h2-silent'
  | 'h2-endless'
  | 'blackhole';

export interface HostileTarget {
  readonly kind: HostileKind;
  readonly port: number;
  close(): Promise<void>;
}

const CHUNK = Buffer.alloc(16 * 1024, 'x');

/** Writes as fast as the peer reads, until the socket closes. */
function flood(socket: net.Socket, prefix: string, piece: () => Buffer): void {
  socket.write(prefix);
  const pump = () => {
    while (!socket.destroyed && socket.write(piece()));
  };
  socket.on('drain', pump);
  pump();
}

const BEHAVIOUR: Record<
  Exclude<HostileKind, 'h2-silent' | 'h2-endless' | 'blackhole'>,
  (s: net.Socket) => void
> = {
  silent: () => {},
  trickle: (socket) => {
    const text = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    let at = 0;
    const timer = setInterval(() => {
      if (at < text.length && !socket.destroyed) socket.write(text.subarray(at, ++at));
    }, 100);
    socket.on('close', () => clearInterval(timer));
  },
  'endless-body': (socket) =>
    flood(socket, 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n', () =>
      Buffer.concat([Buffer.from(`${CHUNK.length.toString(16)}\r\n`), CHUNK, Buffer.from('\r\n')]),
    ),
  'endless-headers': (socket) =>
    flood(socket, 'HTTP/1.1 200 OK\r\n', () => Buffer.from(`X-More: ${'y'.repeat(1000)}\r\n`)),
  reset: (socket) => socket.resetAndDestroy(),
  garbage: (socket) => flood(socket, '', () => randomBytes(4096)),
};

/** Starts one hostile target; `blackhole` needs python3 (see `canBlackhole`). */
export async function hostile(kind: HostileKind): Promise<HostileTarget> {
  if (kind === 'blackhole') return blackhole();
  if (kind === 'h2-silent' || kind === 'h2-endless') return h2(kind);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {}); // the prober hangs up mid-write: expected
    socket.resume(); // read (and drop) what comes, so that the prober's hang-up is seen and our end closes too
    BEHAVIOUR[kind](socket);
  });
  return listening(kind, server, () => {
    for (const socket of sockets) socket.destroy();
  });
}

// An HTTP/2 server that takes the call and never answers it, or answers with DATA frames that never end.
async function h2(kind: 'h2-silent' | 'h2-endless'): Promise<HostileTarget> {
  const server = http2.createServer();
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
    session.on('error', () => {});
  });
  server.on('stream', (stream) => {
    stream.on('error', () => {});
    if (kind === 'h2-silent') return;
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' });
    const pump = () => {
      while (!stream.destroyed && stream.write(CHUNK));
    };
    stream.on('drain', pump);
    pump();
  });
  return listening(kind, server, () => {
    for (const session of sessions) session.destroy();
  });
}

/** Listens on a free loopback port; `close` first drops what `destroyAll` holds, or server.close() would wait on it. */
async function listening(
  kind: HostileKind,
  server: net.Server | http2.Http2Server,
  destroyAll: () => void,
): Promise<HostileTarget> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    kind,
    port: (server.address() as AddressInfo).port,
    close: async () => {
      destroyAll();
      server.close();
      await once(server, 'close');
    },
  };
}

/** Whether python3 is there to hold a listening socket whose backlog is full. */
export function canBlackhole(): boolean {
  return spawnSync('python3', ['-c', 'pass']).status === 0;
}

// A socket that listens but never accepts, its backlog filled first: new SYNs are dropped, so connect() hangs
// as it does toward a firewalled port. node always accepts, so python holds the socket.
async function blackhole(): Promise<HostileTarget> {
  const script = [
    'import socket, sys, time',
    's = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(0)',
    'port = s.getsockname()[1]',
    'fillers = []',
    'for _ in range(4):',
    '    c = socket.socket(); c.setblocking(False)',
    '    try: c.connect(("127.0.0.1", port))',
    '    except BlockingIOError: pass',
    '    fillers.append(c)',
    'print(port, flush=True)',
    'sys.stdin.read()',
  ].join('\n');
  const child: ChildProcess = spawn('python3', ['-c', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  return {
    kind: 'blackhole',
    port: Number(line),
    close: async () => {
      child.stdin?.end();
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

/** The targets of `kinds`, served by a child process; `close()` ends it. */
export async function hostileProcess(
  kinds: readonly HostileKind[],
): Promise<{ ports: ReadonlyMap<HostileKind, number>; close(): Promise<void> }> {
  const fixture = new URL('../fixtures/hostile-targets.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, ...kinds], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  const ports = new Map(Object.entries(JSON.parse(line) as Record<HostileKind, number>)) as Map<
    HostileKind,
    number
  >;
  return {
    ports,
    close: async () => {
      child.stdin?.end();
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}
