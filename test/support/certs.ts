/** Certificates for TLS tests: a private CA and leaves that are valid, expired or for another host. */
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

export interface KeyAndCert {
  readonly key: string;
  readonly cert: string;
}

interface LeafOptions {
  readonly hosts?: readonly string[];
  readonly notBefore?: Date;
  readonly notAfter?: Date;
}

const DAY_MS = 86_400_000;

function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    privateKey: forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()),
    publicKey: forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString()),
  };
}

let serial = 1;
function certificate(subjectCn: string, keys: ReturnType<typeof keyPair>, notBefore: Date, notAfter: Date) {
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = String(serial++).padStart(2, '0');
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.setSubject([{ name: 'commonName', value: subjectCn }]);
  return cert;
}

export class TestCa {
  private readonly keys = keyPair();
  private readonly cert: forge.pki.Certificate;
  readonly pem: string;

  constructor(readonly name = 'Vigil Test CA') {
    const now = Date.now();
    this.cert = certificate(name, this.keys, new Date(now - DAY_MS), new Date(now + 3650 * DAY_MS));
    this.cert.setIssuer(this.cert.subject.attributes);
    this.cert.setExtensions([
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true },
    ]);
    this.cert.sign(this.keys.privateKey, forge.md.sha256.create());
    this.pem = forge.pki.certificateToPem(this.cert);
  }

  /** A server certificate for `hosts` (default localhost and 127.0.0.1), valid for 90 days unless told. */
  issue(options: LeafOptions = {}): KeyAndCert {
    return leaf(options, (cert) => {
      cert.setIssuer(this.cert.subject.attributes);
      cert.sign(this.keys.privateKey, forge.md.sha256.create());
    });
  }
}

/** A server certificate signed by its own key, as a careless deploy would serve. */
export function selfSigned(options: LeafOptions = {}): KeyAndCert {
  return leaf(options, (cert, keys) => {
    cert.setIssuer(cert.subject.attributes);
    cert.sign(keys.privateKey, forge.md.sha256.create());
  });
}

function leaf(options: LeafOptions, sign: (cert: forge.pki.Certificate, keys: ReturnType<typeof keyPair>) => void): KeyAndCert {
  const now = Date.now();
  const hosts = options.hosts ?? ['localhost', '127.0.0.1'];
  const keys = keyPair();
  const notBefore = options.notBefore ?? new Date(now - DAY_MS);
  const cert = certificate(hosts[0] ?? 'localhost', keys, notBefore, options.notAfter ?? new Date(now + 90 * DAY_MS));
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: hosts.map((h) => (/^[\d.]+$/.test(h) ? { type: 7, ip: h } : { type: 2, value: h })) },
  ]);
  sign(cert, keys);
  return { key: keys.pem, cert: forge.pki.certificateToPem(cert) };
}
