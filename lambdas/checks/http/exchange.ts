/**
 * One HTTP request/response on node:http, timed from socket events (lookup, connect,
 * secureConnect, response), bounded by an absolute deadline, a decoded-body cap and a header cap.
 */
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { ProbeError } from '../../core/types.js';
import { verifyPeer } from '../shared/certificate.js';
import { classifyError, deadlineError, probeError } from '../shared/classify.js';
import type { Observation, PeerCertificate } from '../shared/observation.js';
import { PhaseClock } from '../shared/phase-clock.js';

/** Larger header blocks are a `protocol` error. */
const MAX_HEADER_BYTES = 64 * 1024;

export interface Exchange {
  readonly url: URL;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
  readonly ca: string | undefined;
  readonly insecure: boolean;
  readonly maxBodyBytes: number;
  /** performance.now() value at which the whole check must end. */
  readonly deadlineAt: number;
  /** The check's timeout, for messages. */
  readonly timeoutMs: number;
}

/** What an http check saw: the final hop's response, as far as it came. */
export interface HttpObservation extends Observation {
  readonly httpStatus: number | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer | null;
  readonly certificate: PeerCertificate | null;
}

export interface ExchangeResult extends Omit<HttpObservation, 'startedAt'> {
  /** performance.now() when the request was handed to the socket layer: where its timings start. */
  readonly started: number;
}

const DECODERS = { gzip: createGunzip, 'x-gzip': createGunzip, deflate: createInflate, br: createBrotliDecompress } as const;

export function exchange(hop: Exchange): Promise<ExchangeResult> {
  const host = hop.url.hostname.replace(/^\[|\]$/g, '');
  const secure = hop.url.protocol === 'https:';
  let certificate: PeerCertificate | null = null;
  let status: number | null = null;
  let responseHeaders: Record<string, string> = {};

  return new Promise((resolve) => {
    let settled = false;
    const finish = (error: ProbeError | null, body: Buffer | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      req.destroy();
      resolve({
        started: clock.started,
        timings: clock.timings(),
        error,
        httpStatus: status,
        headers: responseHeaders,
        body,
        certificate,
      });
    };
    const fail = (error: ProbeError) => finish(error, null);

    const headers =
      hop.body === undefined ? hop.headers : { 'content-length': String(Buffer.byteLength(hop.body)), ...hop.headers };
    const req = (secure ? https : http).request(hop.url, {
      method: hop.method,
      headers,
      agent: false,
      maxHeaderSize: MAX_HEADER_BYTES,
      // Verified by hand after the handshake, so the certificate is there to report on.
      rejectUnauthorized: false,
      ...(hop.ca ? { ca: hop.ca } : {}),
    });
    // From here, like curl's clock: building the request is Vigil's time, not the target's.
    const clock = new PhaseClock(host);
    const deadline = setTimeout(
      () => fail(deadlineError(clock.phase, hop.timeoutMs, host)),
      Math.max(0, hop.deadlineAt - clock.started),
    );

    // Headers go out at once rather than waiting on Nagle: it shows in ttfb on fast targets.
    req.setNoDelay(true);
    req.on('socket', (socket: Socket) => {
      clock.watch(socket, secure ? 'tls' : 'request');
      if (!secure) return;
      socket.once('secureConnect', () => {
        clock.mark('tls', 'request');
        const verified = verifyPeer(socket as TLSSocket, host, hop.insecure);
        certificate = verified.certificate;
        if (verified.error) fail(verified.error);
      });
    });

    req.on('error', (error) => fail(classifyError(error as NodeJS.ErrnoException, clock.phase, host)));

    req.on('response', (res) => {
      clock.mark('firstByte', 'body');
      status = res.statusCode ?? null;
      responseHeaders = flattenHeaders(res.headers);
      const cap = hop.maxBodyBytes;
      const encoding = (res.headers['content-encoding'] ?? '').trim().toLowerCase();
      const decoder = encoding in DECODERS ? DECODERS[encoding as keyof typeof DECODERS]() : null;
      const declared = Number(res.headers['content-length']);
      if (!decoder && declared > cap) {
        fail(probeError('body_too_large', `declared body of ${declared} bytes exceeds the ${formatBytes(cap)} cap`));
        return;
      }
      const chunks: Buffer[] = [];
      let received = 0;
      let decoded = 0;
      const dropped = () => fail(probeError('reset', `connection dropped while reading the body after ${received} bytes`));
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
      });
      res.on('aborted', dropped);
      res.on('error', (error) => fail(classifyError(error as NodeJS.ErrnoException, 'body', host)));
      // Decoded bytes count against the cap: a small compressed body may expand without bound.
      const body = decoder ? res.pipe(decoder) : res;
      body.on('data', (chunk: Buffer) => {
        decoded += chunk.length;
        if (decoded > cap) {
          fail(
            probeError(
              'body_too_large',
              `body exceeded the ${formatBytes(cap)} cap${decoder ? ` after ${encoding} decoding` : ''}`,
            ),
          );
          return;
        }
        chunks.push(chunk);
      });
      decoder?.on('error', () => fail(probeError('protocol', `body is not valid ${encoding} data`)));
      body.on('end', () => {
        if (!res.complete) return dropped();
        clock.mark('end');
        finish(null, Buffer.concat(chunks));
      });
    });

    req.end(hop.body);
  });
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : String(value ?? '')]),
  );
}

function formatBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
