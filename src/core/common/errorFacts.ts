/**
 * The facts about a failed request, without any wording: what kind of failure it is, which of
 * Reasoner's limits ended it, what on the way to the gateway failed. errors.ts carries them in an
 * ApiError and errorPresenter.ts words them; both read them from here, so neither imports the other
 * the wrong way round.
 */

export type ApiErrorKind =
  | 'auth' // 401: key missing, wrong or expired
  | 'no-key' // no key configured: nothing was sent
  | 'credits' // 403: out of credits (not an auth problem)
  | 'rate-limit' // 429
  | 'bad-request' // 400 and other 4xx: the message says which field
  | 'not-found' // 404: wrong base URL or model id
  | 'server' // 500/502/503: gateway or upstream failed
  | 'gateway-timeout' // 504: generation timed out at the gateway
  | 'timeout' // no byte from the gateway within the configured time
  | 'network' // connection refused/reset/closed, DNS, TLS
  | 'cancelled' // the caller aborted
  | 'protocol' // the answer could not be read (bad JSON, stream ended without an end)
  | 'config'; // invalid base URL, model without the needed capability, ...

/** A limit Reasoner puts on every request, so that none runs forever. */
export interface RequestLimit {
  /** `deadline`: the whole request took too long; `no-progress`: the answer brought bytes but no text. */
  readonly name: 'deadline' | 'no-progress';
  /** In milliseconds for `deadline`, in bytes for `no-progress`. */
  readonly value: number;
}

/** Where on the way to the gateway a connection failed, with the facts the fix depends on. */
export interface NetworkProblem {
  readonly problem: 'proxy-unreachable' | 'proxy-auth' | 'tunnel-refused' | 'certificate' | 'dns';
  /** The gateway's host (and port when not the default). */
  readonly host?: string;
  /** The proxy as scheme://host:port, never with credentials. */
  readonly proxy?: string;
  /** The proxy's answer to CONNECT, when it refused. */
  readonly proxyStatus?: number;
  /** The certificate's issuer as the server presented it (foreign text). */
  readonly issuer?: string;
  /** The TLS verification code, e.g. SELF_SIGNED_CERT_IN_CHAIN. */
  readonly reason?: string;
}
