// The yaml package, required on first use: a JSON config with no `${VAR}` to type never pays its start-up (≈ 40 ms).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let loaded: typeof import('yaml') | undefined;

/** yaml, loaded on the first call. */
export function yaml(): typeof import('yaml') {
  loaded ??= require('yaml') as typeof import('yaml');
  return loaded;
}
