// Our own examples pass our own lint: what users copy must not carry the mistakes `probekit lint` warns about.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from './helpers.js';

interface Report {
  findings: { rule: string; severity: string; file: string; line?: number; message: string }[];
  files: number;
}

const EXAMPLES = [
  { target: 'docker/k8s', files: 6 },
  { target: 'docker/probekit.yaml', files: 1 },
  { target: 'examples/demo/probekit.yaml', files: 1 },
];

describe('probekit lint on the repository’s examples', () => {
  for (const { target, files } of EXAMPLES) {
    it(`${target}: no error or warning (info allowed)`, async () => {
      const result = await runCli(['lint', target, '--format', 'json']);
      assert.equal(result.stderr, '');
      const report = JSON.parse(result.stdout) as Report;
      // Every file was read: an empty run would pass for nothing.
      assert.equal(report.files, files);
      const serious = report.findings
        .filter((finding) => finding.severity !== 'info')
        .map(
          (finding) =>
            `${finding.file}:${finding.line} ${finding.severity} ${finding.rule}: ${finding.message}`,
        );
      assert.deepEqual(serious, []);
      assert.equal(result.code, 0);
    });
  }
});
