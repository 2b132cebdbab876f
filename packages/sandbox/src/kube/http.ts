/*
 * Reading requests and writing responses the way kube-apiserver does: JSON bodies with its
 * headers, `Status` errors, `Warning` headers, and request bodies in JSON, YAML or protobuf.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import type { WriteResult } from './api';
import {
  badRequest,
  KubePlainTextError,
  KubeStatusError,
  unsupportedMediaType,
} from './errors';
import { decodeKubeProtobuf } from './protobuf';

const maxBodyBytes = 3 * 1024 * 1024;

/** The content type of a server-side `Table` (kubectl's `get` asks for it). */
export const TABLE_CONTENT_TYPE =
  'application/json;as=Table;v=v1;g=meta.k8s.io';

export function sendJson(
  res: ServerResponse,
  code: number,
  body: unknown,
  contentType = 'application/json',
  headers: Record<string, string | string[]> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
    ...headers,
  });
  res.end(text);
}

export function sendResult(res: ServerResponse, result: WriteResult): void {
  // kube-apiserver's warning format: `299 - "<text>"` with the text as a quoted string.
  const warnings = (result.warnings ?? []).map(
    w => `299 - ${JSON.stringify(w)}`,
  );
  sendJson(
    res,
    result.code,
    result.body,
    'application/json',
    warnings.length > 0 ? { Warning: warnings } : {},
  );
}

export function sendStatus(res: ServerResponse, err: KubeStatusError): void {
  // responsewriters.ErrorNegotiated: a Status that says when to retry also says it in the header.
  const retryAfter = err.details?.retryAfterSeconds;
  const headers: Record<string, string> =
    retryAfter && retryAfter > 0 ? { 'Retry-After': String(retryAfter) } : {};
  sendJson(res, err.code, err.toStatus(), 'application/json', {
    ...headers,
    ...err.headers,
  });
}

/** Go's `http.Error`, as kube-apiserver's filters answer: the text and a newline. */
export function sendPlainText(
  res: ServerResponse,
  err: KubePlainTextError,
): void {
  const text = `${err.message}\n`;
  res.writeHead(err.code, {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
    ...err.headers,
  });
  res.end(text);
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) {
      throw new KubeStatusError({
        code: 413,
        reason: 'RequestEntityTooLarge',
        message: 'the request body is too large',
      });
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

export function decodeObjectBody(req: IncomingMessage, body: Buffer): unknown {
  const type = mediaType(req);
  if (type === 'application/vnd.kubernetes.protobuf')
    return decodeKubeProtobuf(body);
  const raw = body.toString('utf8');
  if (raw.trim() === '') return undefined;
  try {
    if (type === '' || type === 'application/json') return JSON.parse(raw);
    if (type === 'application/yaml') return parseYaml(raw);
  } catch (e) {
    throw badRequest(`error decoding request body: ${(e as Error).message}`);
  }
  throw unsupportedMediaType(type);
}

/** kube-apiserver's default field manager: the User-Agent up to the first `/`. */
export function defaultFieldManager(req: IncomingMessage): string {
  const ua = req.headers['user-agent'] ?? '';
  const prefix = ua.split('/')[0].trim();
  return prefix ? prefix.slice(0, 128) : 'unknown';
}

export function wantsTable(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return accept
    .split(',')
    .some(part => /as=Table/.test(part) && /g=meta\.k8s\.io/.test(part));
}
