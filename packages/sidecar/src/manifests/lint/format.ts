// Lint's text and JSON output.
import type { Finding, Severity } from './findings.js';

/** Counts per severity. */
export function counts(findings: readonly Finding[]): Record<Severity, number> {
  const count = (severity: Severity) => findings.filter((finding) => finding.severity === severity).length;
  return { error: count('error'), warning: count('warning'), info: count('info') };
}

/** One line per finding, `file:line: severity rule: object path: message (docs)`, then a summary line. */
export function formatText(findings: readonly Finding[], files: number): string {
  const lines = findings.map(
    (finding) =>
      `${finding.file}${finding.line === undefined ? '' : `:${finding.line}`}: ${finding.severity} ${finding.rule}: ${finding.object} ${finding.path}: ${finding.message} (${finding.docs})`,
  );
  const { error, warning, info } = counts(findings);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const summary =
    findings.length === 0
      ? `no findings in ${plural(files, 'file')}`
      : `${plural(error, 'error')}, ${plural(warning, 'warning')}, ${info} info in ${plural(files, 'file')}`;
  return `${[...lines, summary].join('\n')}\n`;
}

/** `{ findings, errors, warnings, infos, files }`, one finding per object with every field. */
export function formatJson(findings: readonly Finding[], files: number): string {
  const { error, warning, info } = counts(findings);
  return `${JSON.stringify({ findings, errors: error, warnings: warning, infos: info, files }, null, 2)}\n`;
}
