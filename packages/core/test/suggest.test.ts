import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closestName } from '../src/suggest.js';

const KEYS = [
  'name',
  'tcpSocket',
  'exec',
  'periodSeconds',
  'timeoutSeconds',
  'failureThreshold',
  'host',
  'port',
];

describe('closestName', () => {
  const table: [string, string | undefined][] = [
    ['periodSecond', 'periodSeconds'], // a letter dropped
    ['perodSeconds', 'periodSeconds'],
    ['hots', 'host'], // two letters swapped
    ['Name', 'name'], // another case
    ['tcpsocket', 'tcpSocket'],
    ['failureTreshold', 'failureThreshold'],
    ['timeout', 'timeoutSeconds'], // the unit left off
    ['ports', 'port'],
    ['x', undefined], // nothing close: no guess
    ['extra', undefined],
    ['tim', undefined], // too short a prefix to be sure
  ];
  for (const [word, expected] of table) {
    it(`${word} → ${expected ?? 'no suggestion'}`, () => assert.equal(closestName(word, KEYS), expected));
  }
});
