// Waits on a container (wait, stop): a waiter withdrawn by its signal (the client left, a timeout
// passed) is forgotten at once, so dropped waits on a long-running container do not pile up.
import { Waiters } from '../src/daemon/containers/waiters.js';

const exit = { StatusCode: 3, Error: null };

test('withdrawn waiters are forgotten; the others still get the exit', async () => {
  const w = new Waiters();
  const gone = Array.from({ length: 100 }, () => new AbortController());
  for (const g of gone) void w.add('c1', 'next-exit', g.signal);
  const kept = w.add('c1', 'next-exit');
  expect(w.count('c1')).toBe(101);
  for (const g of gone) g.abort();
  expect(w.count('c1')).toBe(1);
  w.notify('c1', 'next-exit', exit);
  await expect(kept).resolves.toEqual(exit);
  expect(w.count('c1')).toBe(0);
});

test('an already aborted signal registers nothing; exitWithin leaves nothing behind on timeout', async () => {
  const w = new Waiters();
  const ac = new AbortController();
  ac.abort();
  void w.add('c1', 'removed', ac.signal);
  expect(w.count('c1')).toBe(0);
  expect(await w.exitWithin('c1', 1)).toBe(false);
  expect(w.count('c1')).toBe(0);
  const soon = w.exitWithin('c1', 60_000);
  w.notify('c1', 'next-exit', exit);
  expect(await soon).toBe(true);
});
