// Reading manifests: files, directories (every *.yaml and *.yml below, in name order) and `-` for stdin.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import type { Input } from './stream.js';

/** Reads each argument; `-` is stdin (read once). An unreadable path throws ConfigError naming it. */
export async function readInputs(
  paths: readonly string[],
  stdin: () => Promise<string> = readStdin,
): Promise<Input[]> {
  const inputs: Input[] = [];
  for (const path of paths) {
    if (path === '-') {
      inputs.push({ name: 'stdin', text: await stdin() });
      continue;
    }
    try {
      const info = await stat(path);
      const files = info.isDirectory() ? await yamlFiles(path) : [path];
      for (const file of files) inputs.push({ name: file, text: await readFile(file, 'utf8') });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason = code === 'ENOENT' ? 'does not exist' : (error as Error).message;
      throw new ConfigError(path, [{ path: '(file)', message: `cannot be read: ${reason}` }]);
    }
  }
  return inputs;
}

// Hidden directories and node_modules are skipped: a repository's .git or dependencies are not its manifests.
async function yamlFiles(dir: string): Promise<string[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!entry.name.startsWith('.') && entry.name !== 'node_modules')
        files.push(...(await yamlFiles(path)));
    } else if (/\.ya?ml$/.test(entry.name)) files.push(path);
  }
  return files;
}

/** All of stdin as text. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
