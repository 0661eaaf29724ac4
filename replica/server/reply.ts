// What an endpoint answers, as a value: status, body text, extra headers (a content type other than
// JSON among them) and the rows it carries. Endpoints build replies; only the server writes them.

export interface Reply {
  status: number;
  body: string;
  /** Rows in the body (for the latency model and the stats). */
  rows: number;
  headers?: Record<string, string>;
}

export type FieldErrors = Record<string, string[]>;

export function jsonReply(
  status: number,
  payload: unknown,
  rows = 0,
  headers?: Record<string, string>,
): Reply {
  return headers
    ? { status, body: JSON.stringify(payload), rows, headers }
    : { status, body: JSON.stringify(payload), rows };
}

/** An XML document (the hustle feeds, and the storage errors they answer with). */
export function xmlReply(status: number, body: string, rows = 0): Reply {
  return { status, body, rows, headers: { 'content-type': 'application/xml; charset=utf-8' } };
}

/** Error bodies follow the Query Tool's `{"errors":{"Param":["message"]}}` shape. */
export function errorReply(status: number, errors: FieldErrors, headers?: Record<string, string>): Reply {
  return jsonReply(status, { errors }, 0, headers);
}

/** Adds a message under `field`, keeping earlier ones (a parameter can be wrong in several ways). */
export function addError(errors: FieldErrors, field: string, message: string): void {
  const messages = errors[field] ?? [];
  messages.push(message);
  errors[field] = messages;
}
