// What `probekit doctor` reports: one line per finding, `doctor: <id>: <message>`, ids stable for scripts.

/** Every finding id; docs/sidecar.md lists each with what to do about it. */
export const FINDING_IDS = [
  'loopback-only',
  'not-listening',
  'self-loopback',
  'unresolved-name',
  'check-failing',
] as const;

export type FindingId = (typeof FINDING_IDS)[number];

export interface Finding {
  readonly id: FindingId;
  readonly message: string;
}

/** The finding's line; a reason spanning lines (an exec check's output) is folded into one. */
export function formatFinding(finding: Finding): string {
  return `doctor: ${finding.id}: ${finding.message.replace(/\s*[\r\n]+\s*/g, ' ').trim()}`;
}
