// Modules required on first use rather than at import: importing core must stay cheap for whoever uses
// little of it (`probekit probe` every few seconds, an SDK app without metrics, a sidecar without gRPC checks).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** A getter that requires `id` on its first call, synchronously (CommonJS packages and node builtins). */
export function lazy<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => {
    loaded ??= require(id) as T;
    return loaded;
  };
}
