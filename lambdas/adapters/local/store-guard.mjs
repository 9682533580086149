// Keeps the embedded DynamoDB (dynalite) to whoever holds its per-run key: dynalite itself answers any
// browser's preflight with `Access-Control-Allow-Origin: *` and never checks a signature, so a web page
// could read or write a data folder through its loopback port. Plain JavaScript, because the store's
// child process (dynalite-server.mjs) runs it without a TypeScript loader.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Readable } from 'node:stream';

/** dynalite's own limit on a request body. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * Puts the check in front of dynalite's request handler: a request from a browser (it carries `Origin`)
 * or without a valid SigV4 signature by `credentials` is answered 4xx before dynalite sees it, so it
 * reads and writes nothing. The whole signature is verified (a few hashes per request), not only the
 * key id, so a captured request cannot be altered.
 */
export function guardStore(server, credentials) {
  const [serve] = server.listeners('request');
  server.removeAllListeners('request');
  server.on('request', (req, res) => {
    // Browsers send Origin with every cross-origin request and every preflight; Vigil's clients never do.
    if (req.headers.origin !== undefined || req.method === 'OPTIONS') {
      req.resume();
      return refuse(res, 403, 'AccessDeniedException', 'cross-origin requests are refused');
    }
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) return refuse(res, 413, 'ValidationException', 'request body too large');
      const body = Buffer.concat(chunks);
      const problem = signatureProblem(req, body, credentials);
      if (problem) return refuse(res, 400, problem.type, problem.message);
      // dynalite reads the body as a stream: hand it what was read, with the request's own facts.
      const replay = Object.assign(Readable.from(body.length > 0 ? [body] : []), {
        headers: req.headers,
        method: req.method,
        url: req.url,
      });
      serve(replay, res);
    });
  });
}

function refuse(res, status, type, message) {
  const body = JSON.stringify({ __type: `com.amazon.coral.service#${type}`, message });
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const unrecognized = { type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };

/** Null when the request is signed (SigV4, as the AWS SDK signs) by the holder's key; what is wrong otherwise. */
function signatureProblem(req, body, credentials) {
  const auth = /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(
    req.headers.authorization ?? '',
  );
  const date = req.headers['x-amz-date'];
  if (!auth || typeof date !== 'string' || req.url !== '/') return unrecognized;
  const [, credential, signedList, signature] = auth;
  const [keyId, day, region, service, terminator, ...rest] = credential.split('/');
  if (keyId !== credentials.accessKeyId || rest.length > 0 || terminator !== 'aws4_request') return unrecognized;
  const signed = signedList.split(';');
  if (!signed.includes('host') || !signed.includes('x-amz-date')) return unrecognized;
  const headerLines = signed.map((name) => `${name}:${canonicalValue(req.headers[name])}`).join('\n');
  const canonicalRequest = [req.method, '/', '', headerLines, '', signedList, sha256(body)].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', date, scope, sha256(canonicalRequest)].join('\n');
  let key = `AWS4${credentials.secretAccessKey}`;
  for (const part of [day, region, service, 'aws4_request']) key = hmac(key, part);
  const expected = hmac(key, stringToSign).toString('hex');
  if (!timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) {
    return { type: 'InvalidSignatureException', message: 'The request signature does not match.' };
  }
  return null;
}

/** As SigV4 canonicalises a header value: line breaks as spaces, runs of blanks as one, trimmed. */
function canonicalValue(value) {
  const text = Array.isArray(value) ? value.join(',') : (value ?? '');
  return text
    .replace(/[\r\n]/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '');
}

const sha256 = (data) => createHash('sha256').update(data).digest('hex');
const hmac = (key, data) => createHmac('sha256', key).update(data).digest();
