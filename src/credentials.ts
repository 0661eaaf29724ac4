// Credentials scrubbed from text the process writes out (log lines' errors, /healthz reasons): a URL
// keeps its scheme, user and host, never its password. Messages built by libraries (pg, undici) may
// quote a URL; this is the last line of defence, not the way URLs are shown (see redactUrl).

/** `scheme://user:password@`: the password runs to the authority's last `@`. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@:]*):[^\s/?#]*@/gi;
/** `?password=…` and `&sslpassword=…`, which libpq-style URLs accept. */
const QUERY_PASSWORD = /([?&](?:ssl)?password=)[^&#\s]*/gi;

/**
 * The text with every URL password replaced by `***`.
 *
 * @example
 * scrubCredentials('connect to postgres://etl:s3cret@db:5432/nba failed');
 * // 'connect to postgres://etl:***@db:5432/nba failed'
 */
export function scrubCredentials(text: string): string {
  if (!text.includes('://') && !/password=/i.test(text)) return text;
  return text.replace(URL_PASSWORD, '$1$2:***@').replace(QUERY_PASSWORD, '$1***');
}

/** Every string inside `value` (an error as pino serialises it, a report) scrubbed; other values kept. */
export function scrubStrings<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return scrubCredentials(value) as T;
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => scrubStrings(item, depth + 1)) as T;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = scrubStrings(item, depth + 1);
  return copy as T;
}
