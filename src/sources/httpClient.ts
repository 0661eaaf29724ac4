// The one HTTP client policy for every upstream call: a single undici dispatcher with explicit
// timeouts, the API key header, and a body that is always consumed or destroyed.
import { Agent, request } from 'undici';
import { fromTransportError, kindOfStatus, parseRetryAfter, UpstreamError } from './upstreamError.ts';

export interface HttpClientConfig {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly connectTimeoutMs?: number;
  readonly headersTimeoutMs?: number;
  readonly bodyTimeoutMs?: number;
  readonly connections?: number;
  readonly maxBodyBytes?: number;
}

export interface HttpResponse {
  readonly status: number;
  readonly body: unknown;
  readonly bytes: number;
  readonly ms: number;
  /** The server's clock (`Date` header) when it answered; null when absent or unreadable. */
  readonly date: Date | null;
}

export type QueryParams = Readonly<Record<string, string>>;

/** What a call's body is: JSON (parsed), or XML (kept as text for the dataset's parser). */
export type BodyFormat = 'json' | 'xml';

const ACCEPT: Readonly<Record<BodyFormat, string>> = { json: 'application/json', xml: 'application/xml' };
/** An XML document starts with its declaration or its root element, never with an HTML page's. */
const HTML_DOCUMENT = /^\s*<(!doctype\s+html|html[\s>])/i;
const XML_DOCUMENT = /^\s*<(?!(!doctype\s+html|html[\s>]))[?!a-z_]/i;

/**
 * The largest body read. The largest real answer is a capped Query Tool call (10,000 shots ≈ 7.5 MB
 * on the replica): 32 MiB leaves room for fatter rows, while a runaway body stops there, within the
 * memory budget, not after 256 MB.
 */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** Undici's defaults are 300 s for headers and body; an API call that takes minutes is a hang. */
const DEFAULTS = {
  connectTimeoutMs: 5_000,
  headersTimeoutMs: 60_000,
  bodyTimeoutMs: 30_000,
  connections: 8,
  maxBodyBytes: MAX_BODY_BYTES,
} as const;

export class HttpClient {
  readonly #baseUrl: string;
  readonly #apiKey: string;
  readonly #agent: Agent;
  readonly #maxBodyBytes: number;

  constructor(config: HttpClientConfig) {
    this.#baseUrl = config.baseUrl.replace(/\/+$/, '');
    this.#apiKey = config.apiKey;
    this.#maxBodyBytes = config.maxBodyBytes ?? DEFAULTS.maxBodyBytes;
    this.#agent = new Agent({
      connect: { timeout: config.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs },
      headersTimeout: config.headersTimeoutMs ?? DEFAULTS.headersTimeoutMs,
      bodyTimeout: config.bodyTimeoutMs ?? DEFAULTS.bodyTimeoutMs,
      connections: config.connections ?? DEFAULTS.connections,
      maxResponseSize: this.#maxBodyBytes,
    });
  }

  /** The URL a call is sent to; it carries no credentials (the key travels in a header). */
  url(path: string, params: QueryParams): string {
    const query = new URLSearchParams(params).toString();
    return `${this.#baseUrl}${path}${query ? `?${query}` : ''}`;
  }

  /**
   * One GET returning parsed JSON, or for `xml` the XML text. Any non-2xx status, transport failure
   * or body of another kind rejects with an UpstreamError; a 2xx answer of the wrong kind (an HTML
   * error page) is transient.
   */
  async get(
    path: string,
    params: QueryParams,
    format: BodyFormat = 'json',
    signal?: AbortSignal,
  ): Promise<HttpResponse> {
    const started = performance.now();
    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(this.url(path, params), {
        dispatcher: this.#agent,
        method: 'GET',
        headers: { 'x-nba-api-key': this.#apiKey, accept: ACCEPT[format] },
        signal,
      });
    } catch (error) {
      throw fromTransportError(error);
    }
    const { statusCode, headers, body } = response;
    if (statusCode < 200 || statusCode >= 300) {
      await body.dump().catch(() => undefined);
      // An HTTP-date Retry-After is on the server's clock: measured from its Date header, a skewed
      // (or virtual) server clock still means the wait it asked for.
      const retryAfterMs = parseRetryAfter(
        headers['retry-after'],
        serverDate(headers.date)?.getTime() ?? Date.now(),
      );
      throw new UpstreamError(
        kindOfStatus(statusCode),
        `http_${statusCode}`,
        statusCode,
        `HTTP ${statusCode} from ${path}`,
        retryAfterMs,
      );
    }
    let text: string;
    try {
      text = await body.text();
    } catch (error) {
      body.destroy();
      const failure = fromTransportError(error);
      if ((error as { code?: unknown } | null)?.code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') {
        // A size failure: fewer games per request make a smaller body, so a batch splits.
        throw new UpstreamError(
          'size',
          'body_too_large',
          statusCode,
          `body of ${path} exceeds ${this.#maxBodyBytes} bytes`,
        );
      }
      // A body that stopped arriving is a timeout (costly, like a 504), not a body cut short.
      if (failure.reason === 'body_timeout') {
        throw new UpstreamError('transient', 'body_timeout', statusCode, `body of ${path} stalled`);
      }
      throw new UpstreamError(
        'transient',
        'body_incomplete',
        statusCode,
        `body of ${path} cut short: ${failure.message}`,
      );
    }
    const ms = performance.now() - started;
    const bytes = Buffer.byteLength(text);
    const date = serverDate(headers.date);
    if (format === 'xml') {
      if (XML_DOCUMENT.test(text)) return { status: statusCode, body: text, bytes, ms, date };
      const reason = HTML_DOCUMENT.test(text) ? 'html_body' : 'not_xml';
      throw new UpstreamError(
        'transient',
        reason,
        statusCode,
        `${path} answered ${statusCode} with a body that is not XML`,
      );
    }
    try {
      return { status: statusCode, body: JSON.parse(text), bytes, ms, date };
    } catch {
      const reason = /^\s*</.test(text) ? 'html_body' : 'invalid_json';
      throw new UpstreamError(
        'transient',
        reason,
        statusCode,
        `${path} answered ${statusCode} with a body that is not JSON`,
      );
    }
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }
}

function serverDate(header: string | string[] | undefined): Date | null {
  if (typeof header !== 'string') return null;
  const date = new Date(header);
  return Number.isNaN(date.getTime()) ? null : date;
}
