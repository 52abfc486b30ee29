// Forwarding one call to the real server, as a proxy should (RFC 9110
// §7.6.1): the body's bytes, every end-to-end header in its order and
// letter case, the query; Host rewritten to the target's; the hop-by-hop
// headers (and those the Connection header names) dropped both ways. Node's
// http/https rather than fetch: fetch would decompress the answer, add its
// own headers and lose their case and order.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { networkErrorReason } from '../core/network-error.js';

/** RFC 9110 §7.6.1: meaningful on one connection only. */
const HOP_BY_HOP = new Set(['connection', 'proxy-connection', 'keep-alive', 'te', 'transfer-encoding', 'upgrade']);

/** Raw header pairs (name as sent, value), in order. */
export type HeaderPairs = [string, string][];

export function headerPairs(raw: readonly string[]): HeaderPairs {
  const pairs: HeaderPairs = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i]!, raw[i + 1]!]);
  return pairs;
}

/** The headers without the hop-by-hop ones: the fixed list, those the Connection header names, and Content-Length (the forwarder sets it). */
export function endToEnd(pairs: HeaderPairs, keepContentLength = false): HeaderPairs {
  const named = new Set(HOP_BY_HOP);
  for (const [name, value] of pairs) if (name.toLowerCase() === 'connection') for (const token of value.split(',')) named.add(token.trim().toLowerCase());
  return pairs.filter(([name]) => {
    const lower = name.toLowerCase();
    return !named.has(lower) && (keepContentLength || lower !== 'content-length');
  });
}

export function headerValue(pairs: HeaderPairs, name: string): string | undefined {
  const found = pairs.filter(([n]) => n.toLowerCase() === name);
  return found.length ? found.map(([, v]) => v).join(', ') : undefined;
}

export interface ForwardRequest {
  method: string;
  /** Path and query, as the client sent them. */
  url: string;
  headers: HeaderPairs;
  body: Buffer;
}

export interface TargetAnswer {
  status: number;
  statusMessage: string;
  /** End-to-end headers as the target sent them (Content-Length kept: a HEAD's must reach the client). */
  headers: HeaderPairs;
  body: Buffer;
}

/** Why the target gave no answer: 502 (it could not be reached or broke off), 504 (it did not answer in time). */
export interface NoAnswer {
  status: 502 | 504;
  message: string;
}

export interface Forwarder {
  readonly target: URL;
  /** The headers as sent to the target (Host rewritten), with the answer or why there was none. */
  forward(req: ForwardRequest): Promise<{ sent: HeaderPairs; answer: TargetAnswer } | { sent: HeaderPairs; failure: NoAnswer }>;
  close(): void;
}

/** Node's TLS error codes, in words; the code is kept in the message for a search. */
const TLS_REASONS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its certificate chain has a self-signed certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its certificate is not signed by a trusted authority',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its certificate is not signed by a trusted authority',
  CERT_HAS_EXPIRED: 'its certificate has expired',
  CERT_NOT_YET_VALID: 'its certificate is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its certificate is for another host name',
  ERR_SSL_WRONG_VERSION_NUMBER: 'it does not speak TLS on that port',
};

function failureReason(error: NodeJS.ErrnoException, target: string): string {
  const code = error.code ?? '';
  // EPROTO: OpenSSL's handshake failed; "wrong version number" is a plain-HTTP server on an https:// target.
  const handshake = code === 'EPROTO' ? (/wrong version number/i.test(error.message) ? TLS_REASONS.ERR_SSL_WRONG_VERSION_NUMBER : error.message) : undefined;
  const tls = TLS_REASONS[code] ?? handshake ?? (/^ERR_SSL_|CERT/.test(code) ? error.message : undefined);
  // --insecure helps only with the certificate, not with a handshake that failed.
  const hint = /CERT|SELF_SIGNED|UNABLE_TO|ALTNAME/.test(code) ? '; --insecure accepts any certificate' : '';
  if (tls) return `TLS error talking to ${target}: ${tls} (${code})${hint}`;
  if (code === 'ECONNRESET' || code === 'EPIPE') return `${target} closed the connection before answering`;
  const reason = networkErrorReason({ cause: error });
  return `cannot reach ${target} (${reason})`;
}

export function createForwarder(target: URL, options: { timeoutMs: number; insecure: boolean }): Forwarder {
  const https = target.protocol === 'https:';
  const agent = https ? new HttpsAgent({ keepAlive: true, rejectUnauthorized: !options.insecure }) : new HttpAgent({ keepAlive: true });
  const base = target.pathname.replace(/\/+$/, '');
  const origin = target.origin;
  return {
    target,
    forward(req) {
      const sent = endToEnd(req.headers).map(([name, value]): [string, string] => (name.toLowerCase() === 'host' ? [name, target.host] : [name, value]));
      if (!sent.some(([name]) => name.toLowerCase() === 'host')) sent.unshift(['Host', target.host]);
      // A body, or a method that has one (POST with none): its length. A GET without a body stays without the header.
      if (req.body.length > 0 || headerValue(req.headers, 'content-length') !== undefined || headerValue(req.headers, 'transfer-encoding') !== undefined) {
        sent.push(['Content-Length', String(req.body.length)]);
      }
      return new Promise((resolve) => {
        let settled = false;
        const finish = (value: Awaited<ReturnType<Forwarder['forward']>>) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve(value);
        };
        const send = https ? httpsRequest : httpRequest;
        const outgoing = send({
          protocol: target.protocol,
          hostname: target.hostname.replace(/^\[|\]$/g, ''),
          port: target.port || undefined,
          method: req.method,
          path: base + req.url,
          headers: sent.flat(),
          agent,
          servername: https && !/^[\d.]+$|:/.test(target.hostname) ? target.hostname : undefined,
        });
        const timer = setTimeout(() => {
          finish({ sent, failure: { status: 504, message: `${origin} gave no answer within ${options.timeoutMs} ms (--timeout)` } });
          outgoing.destroy();
        }, options.timeoutMs);
        outgoing.on('error', (error: NodeJS.ErrnoException) => finish({ sent, failure: { status: 502, message: failureReason(error, origin) } }));
        outgoing.on('response', (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error: NodeJS.ErrnoException) => finish({ sent, failure: { status: 502, message: failureReason(error, origin) } }));
          res.on('aborted', () => finish({ sent, failure: { status: 502, message: `${origin} broke off its answer` } }));
          res.on('end', () =>
            finish({
              sent,
              answer: { status: res.statusCode ?? 502, statusMessage: res.statusMessage ?? '', headers: endToEnd(headerPairs(res.rawHeaders), true), body: Buffer.concat(chunks) },
            }),
          );
        });
        outgoing.end(req.body);
      });
    },
    close: () => agent.destroy(),
  };
}
