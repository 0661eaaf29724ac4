// Gates every subscription to a source behind a token of a shared TokenBucket, so all streams that
// talk to one host together stay under its rate. Placed before a retry, each resubscription (each
// request actually sent) pays for its own token.
import { concatMap, type MonoTypeOperatorFunction } from 'rxjs';
import type { TokenBucket } from './tokenBucket.ts';

/**
 * Subscribes to the source only once `bucket` grants a token; every subscription takes one.
 *
 * ```
 * bucket: 10/s, burst 1     three subscriptions at 0
 * source:                    -r|
 * first:                     -r|
 * second:                    100ms -r|
 * third:                     200ms -r|
 * ```
 *
 * Unsubscribing while still waiting for the token never subscribes to the source and gives the
 * place in the bucket's queue back.
 *
 * @example
 * const bucket = new TokenBucket({ ratePerSecond: 8, burst: 4 }); // one per host
 * const response$ = defer(() => sendRequest(batch)).pipe(rateLimit(bucket), retryWithBackoff());
 *
 * @param bucket The bucket shared by every stream on the host.
 */
export function rateLimit<T>(bucket: TokenBucket): MonoTypeOperatorFunction<T> {
  return (source) => bucket.take().pipe(concatMap(() => source));
}
