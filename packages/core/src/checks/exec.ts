// The `exec` kind, after the kubelet's pkg/probe/exec: argv without a shell, success iff exit 0, 10 KiB of output kept.
import { InvalidCheckError } from '../errors.js';
import { lazy } from '../lazy.js';
import { redact } from '../redact.js';
import type { Outcome, Prober } from '../types.js';
import { abortReason, optionsObject } from './common.js';
import { openCommandOutput } from './exec-output.js';

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

// The kubelet's maxReadLength: what is kept for the reason. Past it, output is read and dropped, as its
// LimitWriter does: a chatty command that exits 0 passes, and one that never stops writing is ended by its timeout.
const MAX_OUTPUT_BYTES = 10 * 1024;
const INHERITED_ENV = ['PATH', 'HOME'];

// node's own spawn, required by the first run. Not execa: a run uses nothing of it that node's options do not give,
// and its import cost ~80 ms of CPU and ~6 MB at every sidecar's first exec run, and ~0.5 ms a run (bench/ANALYSIS.md).
const childProcess = lazy<typeof import('node:child_process')>('node:child_process');
const fs = lazy<typeof import('node:fs')>('node:fs');

/** How a command ended: its exit code or signal, or why it could not start. */
type Ended =
  | { readonly code: number | null; readonly signal: NodeJS.Signals | null }
  | { readonly error: NodeJS.ErrnoException };

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
  const output = await openCommandOutput(MAX_OUTPUT_BYTES);
  // ATTENTION: the run may have been aborted while the output opened: a child spawned now would outlive it.
  if (signal.aborted) {
    output.childEnd.destroy();
    output.close();
    return { ok: false, output: abortReason(signal) };
  }
  // stdout and stderr to one socket, in arrival order, as the kubelet's CombinedOutput.
  const child = childProcess().spawn(file, args, {
    env: { ...env, ...extra },
    ...(cwd !== undefined && { cwd }),
    stdio: ['ignore', output.childEnd, output.childEnd],
    detached: true, // setsid: the child leads a new process group whose id is its pid
  });
  // 'error' alone when the command could not start (no 'exit' follows); 'exit' once it ran.
  const ended = new Promise<Ended>((resolve) => {
    child.once('error', (error) => resolve({ error }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  // The child holds its own copy now: the run ends when the child's processes have let go of theirs.
  output.childEnd.destroy();
  let stopped: string | undefined;
  const killGroup = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // ESRCH: the group is already gone.
    }
  };
  const onAbort = () => {
    stopped ??= abortReason(signal);
    killGroup();
    // A process that left the group (setsid) could hold the socket open; stop reading so the run settles.
    output.close();
  };
  signal.addEventListener('abort', onAbort, { once: true });
  // Leftovers (`sleep 30 &`) would hold the socket open and outlive the probe: the group goes with the command.
  child.once('exit', killGroup);
  try {
    const result = await ended;
    await output.ended;
    const text = output.text();
    const withOutput = (reason: string): Outcome => ({
      ok: false,
      output: text ? `${reason}: ${text}` : reason,
    });
    if (stopped) return withOutput(stopped);
    if ('error' in result) return { ok: false, output: spawnFailure(result.error, file, cwd) };
    if (result.code === 0) return { ok: true };
    if (result.code !== null) return withOutput(`exit code ${result.code}`);
    return withOutput(`killed by ${result.signal}`);
  } finally {
    signal.removeEventListener('abort', onAbort);
    output.close();
  }
}

function spawnFailure(error: NodeJS.ErrnoException, file: string, cwd: string | undefined) {
  // node reports a missing working directory as ENOENT, like a missing command: tell them apart.
  if (cwd !== undefined && (error.code === 'ENOENT' || error.code === 'ENOTDIR') && !isDirectory(cwd))
    return `working directory not found: ${cwd}`;
  if (error.code === 'ENOENT') return `command not found: ${file}`;
  if (error.code === 'EACCES') return `permission denied: ${file}`;
  return `could not start ${file}: ${error.message}`;
}

function isDirectory(path: string): boolean {
  try {
    return fs().statSync(path).isDirectory();
  } catch {
    return false;
  }
}

// `sh -c 'sleep 1'`: arguments with spaces quoted, so the target reads as the command it runs.
function quote(arg: string): string {
  return arg === '' || /[\s'"\\$`]/.test(arg) ? `'${arg.replaceAll("'", `'\\''`)}'` : arg;
}
