// The `exec` kind, after the kubelet's pkg/probe/exec: argv without a shell, success iff exit 0, 10 KiB of output kept.
import { InvalidCheckError } from '../errors.js';
import { redact } from '../redact.js';
import type { Outcome, Prober } from '../types.js';
import { abortReason, optionsObject } from './common.js';

/** Options of the `exec` kind: a Kubernetes ExecAction, plus `env` and `cwd`. */
export interface ExecOptions {
  /** argv: the first element is looked up in PATH; no shell unless you write `sh -c`. */
  readonly command: readonly string[];
  /**
   * Added to the child's minimal environment, which is only PATH and HOME of this process:
   * the child never inherits the rest (a sidecar's environment may hold secrets).
   * @default {}
   */
  readonly env?: Readonly<Record<string, string>>;
  /** @default this process's working directory */
  readonly cwd?: string;
}

const MAX_OUTPUT_BYTES = 10 * 1024; // the kubelet's maxReadLength: what is kept for the reason
// Past 10 KiB, output is read and dropped as the kubelet's LimitWriter does, but only up to 1 MiB: a command
// that floods (`yes`) is killed then and fails at once, instead of burning a CPU until its timeout.
const MAX_DRAIN_BYTES = 1024 * 1024;
const INHERITED_ENV = ['PATH', 'HOME'];

let execaModule: typeof import('execa') | undefined; // loaded by the first run, then kept

/** A kubelet-style exec probe, run in its own process group so that a timeout kills everything it started. */
export function exec(options: ExecOptions): Prober {
  const o = optionsObject('exec', options, ['command', 'env', 'cwd']);
  const command = o['command'];
  if (!Array.isArray(command) || command.length === 0 || command[0] === '') {
    throw new InvalidCheckError('exec.command', 'must be a non-empty array of strings', command);
  }
  command.forEach((arg: unknown, i) => {
    if (typeof arg !== 'string' || arg.includes('\0'))
      throw new InvalidCheckError(`exec.command[${i}]`, 'must be a string', arg);
  });
  const env = o['env'] ?? {};
  if (typeof env !== 'object' || env === null || Array.isArray(env))
    throw new InvalidCheckError('exec.env', 'must be an object', env);
  for (const [name, value] of Object.entries(env)) {
    if (!/^[^=\0]+$/.test(name))
      throw new InvalidCheckError('exec.env', 'must have variable names without = or NUL', name);
    // The value may be a secret: name its type, never its content.
    if (typeof value !== 'string' || value.includes('\0'))
      throw new InvalidCheckError(`exec.env.${name}`, 'must be a string', typeof value);
  }
  const cwd = o['cwd'];
  if (cwd !== undefined && (typeof cwd !== 'string' || cwd === '' || cwd.includes('\0'))) {
    throw new InvalidCheckError('exec.cwd', 'must be a non-empty path', cwd);
  }
  const argv = [...(command as string[])];
  const extra = { ...(env as Record<string, string>) };
  return {
    kind: 'exec',
    // Redacted as reasons are: a command line can carry a token (`curl -H 'Authorization: Bearer …'`).
    target: redact(`exec:${argv.map(quote).join(' ')}`),
    identity: { kind: 'exec', command: argv, env: extra, ...(cwd !== undefined && { cwd }) },
    componentType: 'system',
    // Values the config put in the environment may be credentials: never show them in a reason.
    secrets: Object.values(extra),
    run: (signal) => runCommand(argv, extra, cwd, signal),
  };
}

async function runCommand(
  argv: string[],
  extra: Record<string, string>,
  cwd: string | undefined,
  signal: AbortSignal,
): Promise<Outcome> {
  if (signal.aborted) return { ok: false, output: abortReason(signal) };
  const [file = '', ...args] = argv;
  const env: Record<string, string> = {};
  for (const name of INHERITED_ENV) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  // execa is loaded on the first exec run: importing it costs ~100 ms of every cold start otherwise.
  execaModule ??= await import('execa');
  // ATTENTION: the run may have been aborted while execa loaded; a child spawned now would outlive it.
  if (signal.aborted) return { ok: false, output: abortReason(signal) };
  const child = execaModule.execa(file, args, {
    env: { ...env, ...extra },
    extendEnv: false,
    ...(cwd !== undefined && { cwd }),
    stdin: 'ignore',
    // Not `all`: execa would merge stdout and stderr through one more stream (≈ 0.4 × a raw spawn's CPU per run);
    // both are read below into one buffer instead.
    buffer: false,
    reject: false,
    detached: true, // setsid: the child leads a new process group whose id is its pid
  });
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let readBytes = 0;
  let stopped: string | undefined;
  const killGroup = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // ESRCH: the group is already gone.
    }
  };
  const stop = (why: string) => {
    stopped ??= why;
    killGroup();
    // A process that left the group (setsid) could hold the pipes open; stop reading so the run settles.
    child.stdout?.destroy();
    child.stderr?.destroy();
  };
  const onAbort = () => stop(abortReason(signal));
  signal.addEventListener('abort', onAbort, { once: true });
  // stdout and stderr into one buffer in arrival order, as the kubelet's CombinedOutput.
  const read = (chunk: Buffer) => {
    readBytes += chunk.length;
    if (keptBytes < MAX_OUTPUT_BYTES) {
      const part = chunk.subarray(0, MAX_OUTPUT_BYTES - keptBytes);
      kept.push(part);
      keptBytes += part.length;
    }
    if (readBytes > MAX_DRAIN_BYTES) stop('output exceeded 1 MiB');
  };
  child.stdout?.on('data', read);
  child.stderr?.on('data', read);
  // Leftovers (`sleep 30 &`) would hold the pipes open and outlive the probe: the group goes with the command.
  child.once('exit', killGroup);
  try {
    const result = await child;
    const output = Buffer.concat(kept).toString('utf8').trim();
    const withOutput = (reason: string): Outcome => ({
      ok: false,
      output: output ? `${reason}: ${output}` : reason,
    });
    if (stopped) return withOutput(stopped);
    if (result.exitCode === 0) return { ok: true };
    if (result.exitCode !== undefined) return withOutput(`exit code ${result.exitCode}`);
    if (result.signal) return withOutput(`killed by ${result.signal}`);
    return { ok: false, output: spawnFailure(result, file, cwd) };
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

function spawnFailure(
  result: { originalMessage?: string | undefined; code?: string | undefined },
  file: string,
  cwd: string | undefined,
) {
  if (result.originalMessage?.includes('"cwd" option')) return `working directory not found: ${cwd}`;
  if (result.code === 'ENOENT') return `command not found: ${file}`;
  if (result.code === 'EACCES') return `permission denied: ${file}`;
  return result.originalMessage ?? `could not start ${file}`;
}

// `sh -c 'sleep 1'`: arguments with spaces quoted, so the target reads as the command it runs.
function quote(arg: string): string {
  return arg === '' || /[\s'"\\$`]/.test(arg) ? `'${arg.replaceAll("'", `'\\''`)}'` : arg;
}
