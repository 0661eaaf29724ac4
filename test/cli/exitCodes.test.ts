// Which exit code a run's failure reasons give: what a scheduler retries (75), what needs a person
// to fix the configuration (78) or the network (69), and what is wrong with the data (65).
import test from 'ava';
import { EXIT, exitCodeForFailures } from '../../src/exitCodes.ts';

test('no failure is success', (t) => {
  t.is(exitCodeForFailures([]), EXIT.ok);
});

test('a rejected key, or an endpoint the host does not have (a wrong base URL), is configuration', (t) => {
  t.is(exitCodeForFailures(['http_401']), EXIT.configuration);
  t.is(exitCodeForFailures(['http_403']), EXIT.configuration);
  t.is(exitCodeForFailures(['http_404']), EXIT.configuration);
  t.is(exitCodeForFailures(['schema_mismatch', 'http_401']), EXIT.configuration);
});

test('a host that does not resolve, refuses or does not connect is unavailable', (t) => {
  t.is(exitCodeForFailures(['host_not_found']), EXIT.unavailable);
  t.is(exitCodeForFailures(['connection_refused', 'connect_timeout']), EXIT.unavailable);
});

test('throttling and persistent 5xx are temporary; anything else is a data error', (t) => {
  t.is(exitCodeForFailures(['persistent_http_503', 'throttled']), EXIT.temporaryFailure);
  t.is(exitCodeForFailures(['truncated_unsplittable']), EXIT.dataError);
  t.is(exitCodeForFailures(['unrequested_team', 'persistent_http_503']), EXIT.dataError);
});

test('calls refused by an open circuit breaker, with the failures that opened it, are unavailable', (t) => {
  t.is(exitCodeForFailures(['circuit_open']), EXIT.unavailable);
  t.is(exitCodeForFailures(['circuit_open', 'connection_refused']), EXIT.unavailable);
  t.is(exitCodeForFailures(['persistent_headers_timeout', 'circuit_open', 'http_503']), EXIT.unavailable);
  t.is(exitCodeForFailures(['circuit_open', 'truncated_unsplittable']), EXIT.dataError);
  t.is(exitCodeForFailures(['circuit_open', 'http_401']), EXIT.configuration);
  t.is(exitCodeForFailures(['persistent_headers_timeout', 'connection_refused']), EXIT.temporaryFailure);
});
