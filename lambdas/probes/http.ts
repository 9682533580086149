/**
 * HTTP(S) probe on node:http, so every phase is timed from socket events: lookup, connect,
 * secureConnect, response, end. One hard deadline covers DNS through the last body byte.
 */
import http from 'node:http';
import https from 'node:https';
import { isIP, type Socket } from 'node:net';
import type { TLSSocket, PeerCertificate as TlsPeerCertificate } from 'node:tls';
import type { HttpCheck } from '../core/config.js';
import type { Observation, PeerCertificate, ProbeError } from '../core/types.js';
import { certificateError, classifyError, deadlineError, type Phase, probeError } from './classify.js';
import { type Probe, type ProbeContext, since } from './probe.js';

/** Larger header blocks are a `protocol` error. */
export const MAX_HEADER_BYTES = 64 * 1024;

export const probeHttp: Probe<HttpCheck> = async (check, context) => {
  const startedAt = context.now().toISOString();
  const t0 = performance.now();
  let headers: Record<string, string>;
  try {
    headers = await resolveHeaders(check, context);
  } catch (error) {
    return failed(startedAt, t0, probeError('internal', (error as Error).message));
  }
  return request(check, headers, startedAt, t0);
};

async function resolveHeaders(check: HttpCheck, context: ProbeContext): Promise<Record<string, string>> {
  const entries = await Promise.all(
    Object.entries(check.headers).map(async ([name, ref]) => [name, await context.resolveSecret(ref)] as const),
  );
  return { 'user-agent': 'Vigil/0.1 (+synthetic monitoring)', ...Object.fromEntries(entries) };
}

function request(check: HttpCheck, headers: Record<string, string>, startedAt: string, t0: number): Promise<Observation> {
  const url = new URL(check.url);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const secure = url.protocol === 'https:';
  const marks: { dns?: number; connect?: number; tls?: number; ttfb?: number } = {};
  let phase: Phase = isIP(host) ? 'connect' : 'dns';
  let certificate: PeerCertificate | null = null;

  return new Promise((resolve) => {
    let settled = false;
    const finish = (observation: Observation) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      req.destroy();
      resolve(observation);
    };
    const fail = (error: ProbeError) => finish({ ...failed(startedAt, t0, error), timings: timings(), certificate });

    const timings = () => {
      const end = performance.now();
      const connectStart = marks.dns ?? t0;
      return {
        dnsMs: marks.dns === undefined ? null : since(t0, marks.dns),
        connectMs: marks.connect === undefined ? null : since(connectStart, marks.connect),
        tlsMs: marks.tls === undefined || marks.connect === undefined ? null : since(marks.connect, marks.tls),
        ttfbMs: marks.ttfb === undefined ? null : since(marks.tls ?? marks.connect ?? t0, marks.ttfb),
        totalMs: since(t0, end),
      };
    };

    const options: https.RequestOptions = {
      method: check.method,
      headers: check.body === undefined ? headers : { 'content-length': Buffer.byteLength(check.body), ...headers },
      agent: false,
      maxHeaderSize: MAX_HEADER_BYTES,
      // Verified by hand after the handshake (below), so the certificate is there to report on.
      rejectUnauthorized: false,
      ...(check.tls?.ca ? { ca: check.tls.ca } : {}),
    };
    const req = (secure ? https : http).request(url, options);
    const deadline = setTimeout(() => fail(deadlineError(phase, check.timeoutMs, host)), check.timeoutMs);

    req.on('socket', (socket: Socket) => {
      socket.once('lookup', (error) => {
        if (error) return;
        marks.dns = performance.now();
        phase = 'connect';
      });
      socket.once('connect', () => {
        marks.connect = performance.now();
        phase = secure ? 'tls' : 'request';
      });
      if (!secure) return;
      socket.once('secureConnect', () => {
        marks.tls = performance.now();
        phase = 'request';
        const tls = socket as TLSSocket;
        certificate = describeCertificate(tls.getPeerCertificate());
        if (!tls.authorized && !check.tls?.insecureSkipVerify) {
          fail(certificateError(String(tls.authorizationError), certificate?.validTo ?? null, host));
        }
      });
    });

    req.on('error', (error) => fail(classifyError(error as NodeJS.ErrnoException, phase, host)));

    req.on('response', (res) => {
      marks.ttfb = performance.now();
      phase = 'body';
      const declared = Number(res.headers['content-length']);
      if (declared > check.maxBodyBytes) {
        fail(
          probeError('body_too_large', `declared body of ${declared} bytes exceeds the ${formatBytes(check.maxBodyBytes)} cap`),
        );
        return;
      }
      const chunks: Buffer[] = [];
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > check.maxBodyBytes) {
          fail(probeError('body_too_large', `body exceeded the ${formatBytes(check.maxBodyBytes)} cap`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('aborted', () => fail(probeError('reset', `connection dropped while reading the body after ${received} bytes`)));
      res.on('error', (error) => fail(classifyError(error as NodeJS.ErrnoException, 'body', host)));
      res.on('end', () => {
        if (!res.complete) {
          fail(probeError('reset', `connection dropped while reading the body after ${received} bytes`));
          return;
        }
        finish({
          startedAt,
          timings: timings(),
          error: null,
          httpStatus: res.statusCode ?? null,
          headers: flattenHeaders(res.headers),
          body: Buffer.concat(chunks),
          certificate,
        });
      });
    });

    req.end(check.body);
  });
}

function failed(startedAt: string, t0: number, error: ProbeError): Observation {
  return {
    startedAt,
    timings: { dnsMs: null, connectMs: null, tlsMs: null, ttfbMs: null, totalMs: since(t0) },
    error,
    httpStatus: null,
    headers: {},
    body: null,
    certificate: null,
  };
}

function describeCertificate(peer: TlsPeerCertificate | undefined): PeerCertificate | null {
  if (!peer?.valid_to) return null;
  const name = (field: string | string[] | undefined) => [field ?? ''].flat().join(', ');
  return {
    subject: name(peer.subject?.CN),
    issuer: name(peer.issuer?.CN ?? peer.issuer?.O),
    validTo: new Date(peer.valid_to).toISOString(),
  };
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : String(value ?? '')]),
  );
}

export function formatBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
