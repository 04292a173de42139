// Reading a Dockerfile and its ignore file, for test/sidecar/pack.test.ts, which builds the image without Docker.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface Instruction {
  /** Upper case: `FROM`, `RUN`, `COPY`, … */
  readonly keyword: string;
  /** Leading `--name=value` options (`COPY --from=build`, `RUN --mount=…`, `HEALTHCHECK --interval=10s`). */
  readonly flags: Readonly<Record<string, string>>;
  /** The rest, continuation lines joined. */
  readonly args: string;
  /** The exec form (`["a", "b"]`) parsed, else undefined. */
  readonly exec: readonly string[] | undefined;
  /** 1-based, where the instruction starts. */
  readonly line: number;
}

export interface Stage {
  readonly image: string;
  readonly name: string | undefined;
  readonly instructions: readonly Instruction[];
}

/** The stages of a Dockerfile: comments dropped, `\` continuations joined, each FROM starting a stage. */
export function parseDockerfile(text: string): Stage[] {
  const stages: { image: string; name: string | undefined; instructions: Instruction[] }[] = [];
  let pending = '';
  let start = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) return;
    if (pending === '') start = index + 1;
    // A comment line inside a continued instruction is dropped, as BuildKit does.
    if (line.startsWith('#')) return;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      return;
    }
    const instruction = parse(`${pending}${line}`, start);
    pending = '';
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = instruction.args.split(/\s+/);
      stages.push({ image, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else {
      const stage = stages.at(-1);
      if (!stage) throw new Error(`line ${start}: ${instruction.keyword} before FROM`);
      stage.instructions.push(instruction);
    }
  });
  return stages;
}

function parse(text: string, line: number): Instruction {
  const [, keyword = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(text.trim()) ?? [];
  const flags: Record<string, string> = {};
  let args = rest.trim();
  for (let flag = /^--([a-z-]+)=(\S+)\s*/.exec(args); flag; flag = /^--([a-z-]+)=(\S+)\s*/.exec(args)) {
    flags[flag[1]!] = flag[2]!;
    args = args.slice(flag[0].length);
  }
  const exec = args.startsWith('[') ? (JSON.parse(args) as string[]) : undefined;
  return { keyword: keyword.toUpperCase(), flags, args, exec, line };
}

/** `KEY=value …` pairs (ENV, LABEL, ARG), values unquoted; a bare `KEY` (an ARG without default) maps to undefined. */
export function pairs(args: string): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const [, key = '', value] of args.matchAll(/([\w.-]+)(?:=("(?:[^"\\]|\\.)*"|\S*))?/g))
    out.set(key, value?.startsWith('"') ? (JSON.parse(value) as string) : value);
  return out;
}

/** Replaces `$VAR` and `${VAR}` from `env`, as Docker does in ENV, LABEL, COPY and WORKDIR. */
export function expand(text: string, env: Readonly<Record<string, string | undefined>>): string {
  return text.replace(/\$(?:\{(\w+)\}|(\w+))/g, (_match, braced?: string, bare?: string) => {
    return env[braced ?? bare ?? ''] ?? '';
  });
}

/**
 * A build context: the files under `root` that a .dockerignore file lets through. Rules as Docker's:
 * the last matching pattern wins, `!` re-includes, `**` spans folders, and a pattern that matches a
 * folder matches everything in it.
 */
export class Context {
  private readonly rules: { include: boolean; pattern: RegExp }[];

  constructor(
    readonly root: string,
    ignoreFile: string,
  ) {
    this.rules = readFileSync(ignoreFile, 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => {
        const include = line.startsWith('!');
        return { include, pattern: globToRegExp((include ? line.slice(1) : line).replace(/^\/+|\/+$/g, '')) };
      });
  }

  /** Whether the ignore file leaves `path` (relative to the root) out of the context. */
  ignored(path: string): boolean {
    const parts = path.split('/');
    let out = false;
    for (const rule of this.rules) {
      if (parts.some((_part, i) => rule.pattern.test(parts.slice(0, i + 1).join('/')))) out = !rule.include;
    }
    return out;
  }

  /** Every file under `path` (a file or a folder, relative to the root) that is in the context. */
  files(path: string): string[] {
    const full = join(this.root, path);
    if (!statSync(full).isDirectory()) return this.ignored(path) ? [] : [path];
    return readdirSync(full).flatMap((name) => this.files(`${path}/${name}`));
  }
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!;
    if (glob.startsWith('**/', i)) {
      source += '(?:.*/)?';
      i += 2;
    } else if (glob.startsWith('**', i)) {
      source += '.*';
      i += 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
