// What lint reports: findings, each from a rule with a stable id, and the rule table's shape.
import type { Model } from './model.js';

export type Severity = 'error' | 'warning' | 'info';

/** One finding: which rule, how bad, where (file, line, object, field path) and what. */
export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  /** The file (`stdin` for standard input). */
  readonly file: string;
  /** 1-based line of the field, where known. */
  readonly line: number | undefined;
  /** `Deployment/web`, `ConfigMap/web-probekit`, or the config file's name. */
  readonly object: string;
  /** The field's path within the object: `spec.template.spec.containers[0].livenessProbe`. */
  readonly path: string;
  /** One line. */
  readonly message: string;
  /** `docs/manifests.md#<rule>`. */
  readonly docs: string;
}

/** A lint rule: its id (also its docs anchor), severity, a one-line summary, and what it finds in a model. */
export interface Rule {
  readonly id: string;
  readonly severity: Severity;
  readonly summary: string;
  check(model: Model): readonly Found[];
}

/** What a rule reports; lint adds the rule's id, severity and docs anchor. */
export interface Found {
  readonly file: string;
  readonly line: number | undefined;
  readonly object: string;
  readonly path: string;
  readonly message: string;
}

/** The docs anchor of a rule. */
export function docsOf(rule: string): string {
  return `docs/manifests.md#${rule}`;
}
