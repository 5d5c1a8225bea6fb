/**
 * Network, timeout and abort failures from undici or Node as {@link ApiError}s, with the
 * error codes in words the log and the detail line can use.
 */

import { ApiError, isApiError, type NetworkProblem } from '../common/errors';

export interface TransportFailureContext {
  readonly aborted: boolean;
  readonly timeoutSeconds?: number;
  readonly url?: string;
  readonly phase?: string;
  /** The proxy the request went through (scheme://host:port, no credentials). */
  readonly proxy?: string;
}

/** Network/timeout/abort errors from undici or Node, as an ApiError. */
export function errorFromTransport(cause: unknown, opts: TransportFailureContext): ApiError {
  if (isApiError(cause)) return cause;
  if (opts.aborted) return new ApiError({ kind: 'cancelled', cause });
  const codes = transportCodes(cause);
  const message = cause instanceof Error ? cause.message : String(cause);
  const network = networkProblem(codes, messages(cause), opts);
  if (network) {
    const code = codes.find((c) => CERTIFICATE_WORDS[c] || PROXY_CONNECT_CODES.has(c) || DNS_CODES.has(c)) ?? codes[0];
    const detail = NETWORK_WORDS[code ?? ''] ?? CERTIFICATE_WORDS[code ?? ''] ?? message;
    return new ApiError({ kind: 'network', detail: `${detail}${opts.phase ? `, ${opts.phase}` : ''}`, code, cause, network });
  }
  const code = codes[0];
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

/** Certificate verification failures, in words (the code itself is kept in `reason`). */
const CERTIFICATE_WORDS: Record<string, string> = {
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'issuer not trusted here',
  UNABLE_TO_GET_ISSUER_CERT: 'issuer not trusted here',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in the chain',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'certificate not verifiable',
  CERT_UNTRUSTED: 'certificate not trusted',
  CERT_HAS_EXPIRED: 'certificate expired',
  CERT_NOT_YET_VALID: 'certificate not yet valid',
  CERT_SIGNATURE_FAILURE: 'certificate signature invalid',
  ERR_TLS_CERT_ALTNAME_INVALID: 'certificate issued for another host name',
};

/** Failures to reach the first hop: through a proxy, that hop is the proxy. */
const PROXY_CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'ERR_REASONER_PROXY_URL']);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN']);

function networkProblem(codes: readonly string[], texts: readonly string[], opts: TransportFailureContext): NetworkProblem | undefined {
  const host = opts.url ? hostOf(opts.url) : undefined;
  const where = { ...(host ? { host } : {}), ...(opts.proxy ? { proxy: opts.proxy } : {}) };
  const certificate = codes.find((code) => CERTIFICATE_WORDS[code]);
  if (certificate) return { problem: 'certificate', reason: certificate, ...where };
  for (const text of texts) {
    const refused = /Proxy response \((\d{3})\)/.exec(text) ?? /Proxy Authentication Required \((407)\)/.exec(text);
    if (refused) {
      const status = Number(refused[1]);
      return status === 407 ? { problem: 'proxy-auth', ...where } : { problem: 'tunnel-refused', proxyStatus: status, ...where };
    }
  }
  if (opts.proxy && codes.some((code) => PROXY_CONNECT_CODES.has(code))) return { problem: 'proxy-unreachable', ...where };
  if (!opts.proxy && codes.some((code) => DNS_CODES.has(code))) return { problem: 'dns', ...where };
  return undefined;
}

/** The network problems no retry can fix: the user must change something first. */
export function needsUserFix(error: ApiError): boolean {
  const problem = error.network?.problem;
  return problem === 'proxy-auth' || problem === 'tunnel-refused' || problem === 'certificate' || (problem === 'dns' && error.code === 'ENOTFOUND');
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

/** The error codes of the cause and its causes, outermost first (undici wraps Node's errors). */
function transportCodes(cause: unknown): string[] {
  return chain(cause).map((error) => (error as { code?: unknown }).code).filter((code): code is string => typeof code === 'string');
}

function messages(cause: unknown): string[] {
  return chain(cause).map((error) => (error as { message?: unknown }).message).filter((text): text is string => typeof text === 'string');
}

function chain(cause: unknown): object[] {
  const found: object[] = [];
  let current: unknown = cause;
  for (let i = 0; i < 5 && typeof current === 'object' && current !== null; i++) {
    found.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return found;
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
