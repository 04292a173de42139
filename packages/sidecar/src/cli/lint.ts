// `probekit lint`: pods' probes and probekit configs checked against each other and the Kubernetes guidance.
import { UsageError } from '../errors.js';
import { formatJson, formatText } from '../manifests/lint/format.js';
import { lint as lintInputs } from '../manifests/lint/lint.js';
import { RULES } from '../manifests/lint/rules.js';
import { formatSarif } from '../manifests/lint/sarif.js';
import { readInputs } from '../manifests/sources.js';
import { type Command, listFlag, stringFlag } from './command.js';

const FORMATS = ['text', 'json', 'sarif'] as const;

export const lint: Command = {
  name: 'lint',
  help: `Usage: probekit lint [-f FILE|DIR|-]... [PATH]... [--format text|json|sarif]

Reads manifests (files; directories, every *.yaml and *.yml below; - for stdin, also the default) and
probekit configs (files of their own, or a ConfigMap's probekit.yaml), and reports each finding with its
rule, severity, file and line, object and field path, and a docs anchor. Exits 1 when any finding is an
error, 0 otherwise, 2 when an input cannot be read. Docs: docs/manifests.md

Rules:
${RULES.map((rule) => `  ${rule.id.padEnd(26)} ${rule.severity.padEnd(8)} ${rule.summary}`).join('\n')}

Options:
  -f, --filename PATH      a file or directory, repeatable; - reads stdin
      --format F           text (default), json, or sarif (SARIF 2.1.0, for code scanning)
  -h, --help               this help

Examples:
  probekit lint k8s/
  helm template . | probekit lint --format sarif > probekit.sarif`,
  options: {
    filename: { type: 'string', short: 'f', multiple: true },
    format: { type: 'string' },
  },
  maxPositionals: Number.POSITIVE_INFINITY,
  async run(parsed) {
    const format = stringFlag(parsed, 'format') ?? 'text';
    if (!(FORMATS as readonly string[]).includes(format))
      throw new UsageError(
        `--format must be one of ${FORMATS.join(', ')}, got ${JSON.stringify(format)}`,
        'lint',
      );
    const paths = [...listFlag(parsed, 'filename'), ...parsed.positionals];
    const inputs = await readInputs(paths.length === 0 ? ['-'] : paths);
    const { findings, files } = lintInputs(inputs);
    const output =
      format === 'sarif'
        ? formatSarif(findings)
        : format === 'json'
          ? formatJson(findings, files)
          : formatText(findings, files);
    process.stdout.write(output);
    return findings.some((finding) => finding.severity === 'error') ? 1 : 0;
  },
};
