// Request bodies: JSON with a size limit, so a huge or malformed request fails cleanly with a 4xx.
import type { IncomingMessage } from 'node:http';
import { ApiError, badRequest } from './api-error.js';

/** Far beyond any container config Docker's CLI sends; larger bodies are refused unread. */
export const MAX_JSON_BODY = 4 * 1024 * 1024;

export async function readBody(req: IncomingMessage, limit = MAX_JSON_BODY): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) throw new ApiError(413, `request body too large: ${declared} bytes (limit ${limit})`);
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new ApiError(413, `request body too large (limit ${limit} bytes)`);
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

export function parseJson(bytes: Buffer): unknown {
  const text = bytes.toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw badRequest(`invalid JSON: ${(err as Error).message}`);
  }
}

/** A JSON object body; an empty body is an empty object; anything else is a 400. */
export function asObject(v: unknown, what = 'request body'): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw badRequest(`invalid ${what}: expected a JSON object`);
  return v as Record<string, unknown>;
}
