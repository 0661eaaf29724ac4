import test from 'ava';
import { kindOfStatus, parseRetryAfter } from '../../src/sources/upstreamError.ts';

test('statuses map to the error kinds of SPEC §4', (t) => {
  t.is(kindOfStatus(429), 'throttled');
  t.is(kindOfStatus(414), 'size');
  for (const status of [500, 502, 503, 504]) t.is(kindOfStatus(status), 'transient');
  for (const status of [400, 401, 403, 404]) t.is(kindOfStatus(status), 'permanent');
});

test('Retry-After is read in delay-seconds and as an HTTP-date', (t) => {
  const now = Date.parse('2026-02-21T12:00:00Z');
  t.is(parseRetryAfter('2', now), 2000);
  t.is(parseRetryAfter(['15'], now), 15000);
  t.is(parseRetryAfter('Sat, 21 Feb 2026 12:00:07 GMT', now), 7000);
  t.is(parseRetryAfter('Sat, 21 Feb 2026 11:59:00 GMT', now), 0);
  t.is(parseRetryAfter(undefined, now), undefined);
  t.is(parseRetryAfter('soon', now), undefined);
});
