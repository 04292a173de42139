import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { CONFIG_SCHEMA } from '../../src/config/schema.js';

type Node = Record<string, unknown>;

function objectNodes(node: unknown, path = '#'): [string, Node][] {
  if (typeof node !== 'object' || node === null) return [];
  const own: [string, Node][] = (node as Node)['type'] === 'object' ? [[path, node as Node]] : [];
  return [
    ...own,
    ...Object.entries(node as Node).flatMap(([key, child]) =>
      Array.isArray(child)
        ? child.flatMap((item, index) => objectNodes(item, `${path}/${key}/${index}`))
        : objectNodes(child, `${path}/${key}`),
    ),
  ];
}

describe('the config schema', () => {
  it('is compiled ahead of time into src/config/schema-validator.generated.ts, up to date', async () => {
    const script = new URL('../../scripts/write-schema.mjs', import.meta.url).pathname;
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', script, '--check']);
    await assert.doesNotReject(run, 'npm run schema -w @probekit/sidecar regenerates it');
  });

  it('is committed as schema/probekit.schema.json exactly as generated (npm run schema -w @probekit/sidecar)', () => {
    const committed = JSON.parse(
      readFileSync(new URL('../../schema/probekit.schema.json', import.meta.url), 'utf8'),
    );
    assert.deepEqual(committed, JSON.parse(JSON.stringify(CONFIG_SCHEMA)));
  });

  it('refuses unknown keys everywhere, except where the keys are the user’s (exec.env)', () => {
    const open = objectNodes(CONFIG_SCHEMA)
      .filter(([, node]) => node['additionalProperties'] !== false)
      .map(([path]) => path);
    assert.deepEqual(open, ['#/definitions/exec/properties/env']);
  });

  it('gives every object node a message of its own, so no error reads like Ajv’s default', () => {
    const silent = objectNodes(CONFIG_SCHEMA)
      .filter(([, node]) => typeof node['errorMessage'] !== 'string')
      .map(([path]) => path);
    assert.deepEqual(silent, []);
  });
});
