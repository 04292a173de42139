// An open-loop load generator (wrk2-like pacing): requests fall due at a fixed rate whether or not earlier ones
// were answered, each goes out on an idle keep-alive connection (a new one is opened up to `connections`, else it
// waits for one), and its latency runs from the moment it fell due — a server that stalls is charged for the
// requests queued behind the stall, which a closed loop at saturation would never send.
// argv: JSON {host, port, path, rate, seconds, warmupSeconds, connections}. Prints one JSON line (see report()).
// Plain JavaScript on raw sockets: cheap enough to pace thousands of requests a second from one core.
import net from 'node:net';

const spec = JSON.parse(process.argv[2]);
const request = Buffer.from(`GET ${spec.path} HTTP/1.1\r\nHost: ${spec.host}:${spec.port}\r\n\r\n`, 'latin1');
const idle = [];
const waiting = []; // due times of requests waiting for a connection
let open = 0;
// Set when the pacing starts: the window measured is [measureFrom, stopAt), by when requests fall due.
let measureFrom = Number.POSITIVE_INFINITY;
let stopAt = Number.POSITIVE_INFINITY;
const latencies = [];
let completed = 0;
let non200 = 0;
let errors = 0;

function connection() {
  open++;
  const socket = net.connect({ host: spec.host, port: spec.port, noDelay: true });
  const conn = { socket, due: 0, measured: false, text: '', idleSince: 0 };
  socket.setEncoding('latin1');
  socket.on('connect', () => release(conn));
  socket.on('data', (chunk) => {
    conn.text += chunk;
    const end = responseEnd(conn.text);
    if (end < 0) return;
    const now = performance.now();
    const status = Number(conn.text.slice(9, 12));
    conn.text = conn.text.slice(end);
    if (conn.measured) {
      // Throughput counts the answers inside the window; a latency counts whenever its answer comes.
      if (now <= stopAt) completed++;
      latencies.push(now - conn.due);
      if (status !== 200) non200++;
    }
    release(conn);
  });
  socket.on('error', () => {});
  socket.on('close', () => {
    open--;
    if (conn.due > 0 && conn.measured) errors++;
    const at = idle.indexOf(conn);
    if (at >= 0) idle.splice(at, 1);
  });
}

/** The offset just past the first complete response in `text`, or -1. Content-Length or chunked bodies. */
function responseEnd(text) {
  const head = text.indexOf('\r\n\r\n');
  if (head < 0) return -1;
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, head));
  if (length) {
    const end = head + 4 + Number(length[1]);
    return text.length >= end ? end : -1;
  }
  const last = text.indexOf('\r\n0\r\n\r\n', head);
  return last < 0 ? -1 : last + 7;
}

function release(conn) {
  conn.due = 0;
  conn.idleSince = performance.now();
  const due = waiting.shift();
  if (due === undefined) idle.push(conn);
  else send(conn, due);
}

function send(conn, due) {
  conn.due = due;
  conn.measured = due >= measureFrom && due < stopAt;
  conn.socket.write(request);
}

// A connection idle this long is closed rather than reused, as undici does (its keepAliveTimeout, 4 s): node's
// server closes one idle for 5 s (+1 s of buffer on Node 24), and a request written as it does is lost — a race
// of HTTP/1.1 keep-alive that a client must avoid, not the server's fault (it cost the SDK app 1-7 requests in 80,000).
const IDLE_LIMIT_MS = 4000;

function takeIdle() {
  for (let conn = idle.pop(); conn; conn = idle.pop()) {
    if (performance.now() - conn.idleSince < IDLE_LIMIT_MS) return conn;
    // Counted out now, so that dispatch() may open its replacement at once; its close is then no one's business.
    conn.socket.removeAllListeners('close');
    open--;
    conn.socket.destroy();
  }
  return undefined;
}

function dispatch(due) {
  const conn = takeIdle();
  if (conn) send(conn, due);
  else {
    waiting.push(due);
    if (open < spec.connections) connection();
  }
}

for (let i = 0; i < Math.min(8, spec.connections); i++) connection();
await new Promise((resolve) => setTimeout(resolve, 200));

const start = performance.now();
measureFrom = start + spec.warmupSeconds * 1000;
stopAt = measureFrom + spec.seconds * 1000;
let sent = 0;
await new Promise((resolve) => {
  const tick = () => {
    const now = performance.now();
    const due = Math.floor(((Math.min(now, stopAt) - start) * spec.rate) / 1000);
    // Every request that fell due since the last tick goes now; its latency counts from now (the generator's own
    // timer lateness is not the server's), or from when it got a connection's turn if it has to wait.
    for (; sent < due; sent++) dispatch(now);
    if (now >= stopAt) resolve();
    else setTimeout(tick, 1);
  };
  tick();
});
await new Promise((resolve) => setTimeout(resolve, 500));

latencies.sort((a, b) => a - b);
const at = (p) =>
  latencies[Math.min(latencies.length - 1, Math.max(0, Math.ceil((p / 100) * latencies.length) - 1))] ??
  Number.NaN;
process.stdout.write(
  `${JSON.stringify({
    rate: spec.rate,
    seconds: spec.seconds,
    completed,
    rps: completed / spec.seconds,
    non200,
    errors,
    unanswered: waiting.length,
    connections: open,
    p50Ms: at(50),
    p90Ms: at(90),
    p99Ms: at(99),
    maxMs: at(100),
  })}\n`,
);
process.exit(0);
