// Where an exec command writes: one end of a connected Unix socket pair, read here into one reused buffer.
// Not a pipe: node allocates a fresh 64 KiB buffer for every read from a pipe, so a command printing 1 GB left
// ~70 MiB of garbage in the RSS until V8 collected it; `onread` with a fixed buffer keeps the RSS flat (+0.5 MiB).
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// ATTENTION: shared by every run; safe because onread's callback copies what it keeps before it returns.
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);
const TOKEN_BYTES = 16;

/** The output of one command: the first `limit` bytes kept, the rest read and dropped. */
export interface CommandOutput {
  /** The child's end, for its stdout and stderr; destroy it here once the child has been spawned. */
  readonly childEnd: net.Socket;
  /** Settles once every process holding the child's end has closed it, or `close()` was called. */
  readonly ended: Promise<void>;
  /** The kept bytes, as text. */
  text(): string;
  /** Stops reading at once (a run that ends while something still holds the child's end). */
  close(): void;
}

/**
 * Opens the pair through a listening socket that lives for one connection. Linux's abstract namespace needs no
 * writable file system (the sidecar's root is read-only), elsewhere a file in the temp directory. Anyone may
 * connect to an abstract socket, so the connection proves it is ours with a random token before it is used.
 */
export function openCommandOutput(limit: number): Promise<CommandOutput> {
  // node:crypto at the first exec run, not when core loads (an app with no exec check never loads it).
  const { randomBytes, timingSafeEqual } = process.getBuiltinModule('node:crypto');
  return new Promise((resolve, reject) => {
    const token = randomBytes(TOKEN_BYTES);
    const name = `probekit-exec-${process.pid}-${token.toString('hex', 0, 6)}`;
    const path = process.platform === 'linux' ? `\0${name}` : join(tmpdir(), `${name}.sock`);
    const kept: Buffer[] = [];
    let keptBytes = 0;
    // Returns true: keep reading (false would pause the socket).
    const keep = (size: number, buffer: Uint8Array): boolean => {
      if (keptBytes >= limit) return true;
      const part = Buffer.from(buffer.subarray(0, Math.min(size, limit - keptBytes)));
      kept.push(part);
      keptBytes += part.length;
      return true;
    };
    const server = net.createServer({ pauseOnConnect: true });
    let ours: net.Socket | undefined;
    const fail = (error: Error) => {
      server.close();
      ours?.destroy();
      reject(error);
    };
    server.once('error', fail);
    server.on('connection', (theirs) => {
      const check = () => {
        const proof = theirs.read(TOKEN_BYTES) as Buffer | null;
        if (!proof) return;
        theirs.off('readable', check);
        if (!ours || !timingSafeEqual(proof, token)) return void theirs.destroy(); // not ours: wait on
        server.close();
        const reader = ours;
        resolve({
          childEnd: theirs,
          ended: new Promise((settle) =>
            reader.destroyed ? settle() : reader.once('close', () => settle()),
          ),
          text: () => Buffer.concat(kept).toString('utf8').trim(),
          close: () => reader.destroy(),
        });
      };
      theirs.on('readable', check);
    });
    server.listen({ path }, () => {
      ours = new net.Socket({ onread: { buffer: READ_BUFFER, callback: keep } }).connect({ path });
      ours.once('error', fail);
      ours.write(token);
    });
  });
}
