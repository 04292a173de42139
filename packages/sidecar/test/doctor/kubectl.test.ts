import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kubectlSteps } from '../../src/doctor/kubectl.js';

describe('kubectlSteps', () => {
  it('fills in the pod and its namespace from the downward API', () => {
    const commands = kubectlSteps({ POD_NAME: 'web-7d9f8-abcde', POD_NAMESPACE: 'shop' }).map(
      (s) => s.command,
    );
    assert.equal(commands[0], 'kubectl -n shop get pod web-7d9f8-abcde -o wide --show-labels');
    assert.match(
      commands[1] ?? '',
      /^kubectl -n shop get services -o jsonpath='.*\.spec\.selector.*->\{\.targetPort\}/,
    );
    assert.match(
      commands[2] ?? '',
      /^kubectl -n shop get endpointslices .*@\.targetRef\.name=="web-7d9f8-abcde"/,
    );
    assert.equal(commands[3], 'kubectl -n shop describe pod web-7d9f8-abcde');
  });

  it('leaves placeholders when they are unset, or not a name that is safe to paste', () => {
    const commands = kubectlSteps({ POD_NAME: "x'; rm -rf /", POD_NAMESPACE: undefined }).map(
      (s) => s.command,
    );
    assert.equal(commands[0], 'kubectl -n <namespace> get pod <pod> -o wide --show-labels');
    assert.match(commands[2] ?? '', /"<pod>"/);
  });
});
