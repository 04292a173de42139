// Packages required on first use rather than at import, so that a start that does not need them never pays for them.
import { createRequire } from 'node:module';

// Resolves from this package, as its own `import` statements do.
const require = createRequire(import.meta.url);

/** A getter that requires `id` on its first call, synchronously (CommonJS packages only). */
export function lazy<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => {
    loaded ??= require(id) as T;
    return loaded;
  };
}
