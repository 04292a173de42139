// Lint's findings as SARIF 2.1.0, the format code-scanning tools read to show findings on pull requests.
import { VERSION } from '@probekit/core';
import type { Finding, Severity } from './findings.js';
import { RULES } from './rules.js';

const LEVEL: Readonly<Record<Severity, 'error' | 'warning' | 'note'>> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
};

/** A SARIF log with one run: the rules as the tool's rules, each finding a result with its file, line and field. */
export function formatSarif(findings: readonly Finding[]): string {
  const rules = RULES.map((rule) => ({
    id: rule.id,
    shortDescription: { text: rule.summary },
    help: { text: `docs/manifests.md#${rule.id}` },
    defaultConfiguration: { level: LEVEL[rule.severity] },
  }));
  const results = findings.map((finding) => ({
    ruleId: finding.rule,
    ruleIndex: RULES.findIndex((rule) => rule.id === finding.rule),
    level: LEVEL[finding.severity],
    message: { text: `${finding.object} ${finding.path}: ${finding.message}` },
    locations: [
      {
        // Standard input has no file to point at: only the object and field say where.
        ...(finding.file !== 'stdin' && {
          physicalLocation: {
            artifactLocation: { uri: toUri(finding.file) },
            ...(finding.line !== undefined && { region: { startLine: finding.line } }),
          },
        }),
        logicalLocations: [{ fullyQualifiedName: `${finding.object}/${finding.path}`, kind: 'member' }],
      },
    ],
  }));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'probekit', version: VERSION, rules } }, results }],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

// A relative path with forward slashes, each segment percent-encoded: a SARIF artifact URI (a URI reference).
function toUri(file: string): string {
  return file.split(/[\\/]/).map(encodeURIComponent).join('/');
}
