// The HTTP client's body limit: a body beyond maxBodyBytes is a size failure (`body_too_large`),
// which splits a batch into smaller answers, not a cut-short body to retry or a permanent failure.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import { HttpClient } from '../../src/sources/httpClient.ts';
import { UpstreamError } from '../../src/sources/upstreamError.ts';

let server: Server;
let baseUrl: string;

test.before(async () => {
  // `/json?bytes=N` answers a JSON string body of N bytes, with a length header or chunked.
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const bytes = Number(url.searchParams.get('bytes'));
    const body = JSON.stringify('x'.repeat(bytes - 2));
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (url.searchParams.get('chunked') !== '1') headers['content-length'] = String(bytes);
    response.writeHead(200, headers);
    // In pieces, as a large body arrives.
    for (let at = 0; at < body.length; at += 4096) response.write(body.slice(at, at + 4096));
    response.end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
test.after.always(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('a body beyond maxBodyBytes is a size failure, body_too_large, with or without a length header', async (t) => {
  const http = new HttpClient({ baseUrl, apiKey: 'k', maxBodyBytes: 64 * 1024 });
  try {
    for (const chunked of ['0', '1']) {
      const error = await t.throwsAsync(http.get('/json', { bytes: String(65 * 1024), chunked }), {
        instanceOf: UpstreamError,
      });
      t.like(error, { kind: 'size', reason: 'body_too_large', status: 200 });
      t.is(error?.message, 'body of /json exceeds 65536 bytes');
    }
    const within = await http.get('/json', { bytes: String(64 * 1024) });
    t.is(within.bytes, 64 * 1024);
  } finally {
    await http.close();
  }
});
