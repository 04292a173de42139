// Runs every rule over the inputs and orders the findings by file and line.
import type { Input } from '../stream.js';
import { docsOf, type Finding } from './findings.js';
import { buildModel } from './model.js';
import { RULES } from './rules.js';

/** The findings for the inputs; throws ConfigError if an input cannot be read as manifests. */
export function lint(inputs: readonly Input[]): { findings: Finding[]; files: number } {
  const model = buildModel(inputs);
  const order = new Map(inputs.map((input, index) => [input.name, index]));
  const findings = RULES.flatMap((rule) =>
    rule
      .check(model)
      .map((found) => ({ rule: rule.id, severity: rule.severity, ...found, docs: docsOf(rule.id) })),
  );
  findings.sort(
    (a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) || (a.line ?? 0) - (b.line ?? 0),
  );
  return { findings, files: model.files };
}
