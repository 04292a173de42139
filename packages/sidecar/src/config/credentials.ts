// Credentials in a URL (user:password@host) are refused: the password would sit in the config file, in logs,
// in the check's target and name. The message masks them and says what to use instead: a header whose value
// comes from the environment.
import type { ConfigProblem } from '../errors.js';
import { PASTED_PROBES } from './schema.js';

const HEADER =
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the advice shows a ${VAR} reference
  'httpHeaders: [{ name: Authorization, value: "${HTTP_AUTH}" }], HTTP_AUTH being "Basic <base64 of user:password>"';
// `user:password@` or `token@` at the start of a host, or after the `//` of a URL.
const IN_HOST = /^()([^/?#@\s]+)@/;
const IN_URL = /^((?:[a-z][a-z0-9+.-]*:)?\/\/)([^/?#@\s]+)@/i;

/** Problems for credentials in the httpGet host or path of the file's checks, pasted probes included. */
export function credentialProblems(entries: readonly unknown[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  entries.forEach((entry, index) => {
    for (const key of ['', ...Object.keys(PASTED_PROBES)]) {
      const holder = key === '' ? entry : (entry as Record<string, unknown> | null)?.[key];
      const http = (holder as Record<string, unknown> | null)?.['httpGet'] as Record<string, unknown> | null;
      const at = `checks[${index}]${key === '' ? '' : `.${key}`}.httpGet`;
      for (const [field, pattern] of [
        ['host', IN_HOST],
        ['path', IN_URL],
      ] as const) {
        const shown = masked(http?.[field], pattern);
        if (shown !== undefined)
          problems.push({
            path: `${at}.${field}`,
            message: `must not carry credentials (${shown}): send an Authorization header instead, ${HEADER}`,
          });
      }
    }
  });
  return problems;
}

/** A problem for a `--check` target with credentials, or undefined. */
export function targetCredentials(target: string, path: string): ConfigProblem | undefined {
  const shown = masked(target, IN_URL);
  return shown === undefined
    ? undefined
    : {
        path,
        message: `must not carry credentials (${shown}): a --check target sends no headers; write the check in the config file with ${HEADER}`,
      };
}

// The value quoted with its secret masked (`"admin:***@db"`, `"***@db"`), or undefined if it carries none.
function masked(value: unknown, pattern: RegExp): string | undefined {
  if (typeof value !== 'string' || !pattern.test(value)) return undefined;
  return JSON.stringify(
    value.replace(pattern, (_, before: string, userinfo: string) => {
      const colon = userinfo.indexOf(':');
      return `${before}${colon < 0 ? '***' : `${userinfo.slice(0, colon)}:***`}@`;
    }),
  );
}
