/**
 * Network, timeout and abort failures from undici or Node as {@link ApiError}s, with the
 * error codes in words the log and the detail line can use.
 */

import { ApiError, isApiError } from '../common/errors';

/** Network/timeout/abort errors from undici or Node, as an ApiError. */
export function errorFromTransport(cause: unknown, opts: { aborted: boolean; timeoutSeconds?: number; url?: string; phase?: string }): ApiError {
  if (isApiError(cause)) return cause;
  if (opts.aborted) return new ApiError({ kind: 'cancelled', cause });
  const code = transportCode(cause);
  const message = cause instanceof Error ? cause.message : String(cause);
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'ETIMEDOUT') {
    const waited = opts.timeoutSeconds !== undefined ? `waited ${formatSeconds(opts.timeoutSeconds)}` : 'timed out';
    const what = code === 'UND_ERR_HEADERS_TIMEOUT' ? 'for the answer to start' : code === 'UND_ERR_BODY_TIMEOUT' ? 'between bytes of the answer' : 'to connect';
    return new ApiError({ kind: 'timeout', detail: `${waited} ${what}`, code, cause });
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new ApiError({ kind: 'network', detail: `connecting${opts.url ? ` to ${hostOf(opts.url)}` : ''} timed out`, code, cause });
  }
  const where = opts.url ? ` ${hostOf(opts.url)}` : '';
  const what = NETWORK_WORDS[code ?? ''] ?? message;
  return new ApiError({ kind: 'network', detail: `${what}${where ? ` —${where}` : ''}${opts.phase ? `, ${opts.phase}` : ''}`, code, cause });
}

const NETWORK_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'connection closed by the other side',
  UND_ERR_CLOSED: 'connection closed',
  CERT_HAS_EXPIRED: 'TLS certificate expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed TLS certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate not trusted',
};

/** The error code of the cause or of one of its causes (undici wraps Node's errors). */
function transportCode(cause: unknown): string | undefined {
  let current: unknown = cause;
  for (let i = 0; i < 4 && current; i++) {
    if (typeof current === 'object') {
      const code = (current as { code?: unknown }).code;
      if (typeof code === 'string') return code;
      current = (current as { cause?: unknown }).cause;
    } else break;
  }
  return undefined;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function formatSeconds(seconds: number): string {
  return seconds >= 1 ? `${Math.round(seconds)} s` : `${Math.round(seconds * 1000)} ms`;
}
