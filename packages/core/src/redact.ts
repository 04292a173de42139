// Reasons are shown to whoever can reach the probe port: strip credentials and cap the length.

/** The longest reason an answer, log line or table shows. */
export const MAX_REASON_LENGTH = 256;

// scheme://user:password@host or scheme://token@host
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi;
// key=value pairs that are usually secrets (query strings, connection strings). A colon ending the value
// is the reason's punctuation (`GET http://h/?token=***: connect …`): it stays, so a second pass changes nothing.
const SECRET_PARAMS =
  /\b(password|passwd|pwd|token|secret|api[_-]?key|access[_-]?key|auth)=([^&\s;]*[^&\s;:])/gi;
// Authorization: Bearer abc / Cookie: a=b
const SECRET_HEADERS =
  /\b(authorization|proxy-authorization|cookie|set-cookie|x-api-key)(\s*[:=]\s*)[^\r\n,;]+/gi;

/** Redacts userinfo in URLs, secret-looking parameters and header values, then caps the text. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text
    .replace(URL_USERINFO, '$1***@')
    .replace(SECRET_PARAMS, '$1=***')
    .replace(SECRET_HEADERS, '$1$2***');
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('***');
  }
  return cap(out);
}

/** Caps text at MAX_REASON_LENGTH characters, marking the cut; control characters become spaces. */
export function cap(text: string): string {
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return flat.length > MAX_REASON_LENGTH ? `${flat.slice(0, MAX_REASON_LENGTH - 1)}…` : flat;
}
