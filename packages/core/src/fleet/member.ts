// A member's id: what its /fleetz says, so that a member finds itself among the peers DNS lists.

/**
 * The contract's default id: `$POD_NAME`, else `$HOSTNAME`, else `<host name>:<port>`. The host passes
 * its environment in (the engine reads none); the port tells apart members on one machine.
 */
export function defaultMemberId(
  env: Readonly<Record<string, string | undefined>>,
  hostname: string,
  port?: number,
): string {
  const named = env['POD_NAME'] || env['HOSTNAME'];
  if (named) return named;
  return port === undefined ? hostname : `${hostname}:${port}`;
}
