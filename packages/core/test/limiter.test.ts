import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Limiter } from '../src/limiter.js';

it('hands out at most its slots, synchronously below the cap, then to waiters in order', async () => {
  const limiter = new Limiter(2);
  assert.equal(limiter.tryAcquire(), true);
  assert.equal(limiter.tryAcquire(), true);
  assert.equal(limiter.tryAcquire(), false);
  const order: string[] = [];
  const first = limiter.acquire().then(() => order.push('first'));
  const second = limiter.acquire().then(() => order.push('second'));
  limiter.release();
  await first;
  assert.deepEqual(order, ['first']);
  limiter.release();
  await second;
  assert.deepEqual(order, ['first', 'second']);
  limiter.release();
  limiter.release();
  assert.equal(limiter.tryAcquire(), true);
  assert.equal(limiter.tryAcquire(), true);
  assert.equal(limiter.tryAcquire(), false, 'a slot handed to a waiter is not counted twice');
});
