/**
 * The config each function bundles: only what that function uses. The probe carries the checks and
 * their request secrets but no channel; the dispatcher neither; each notifier its own channel and the
 * checks' routing, without their request headers, credentials or bodies; only the heartbeat endpoint
 * has the heartbeat checks' tokens. A plain-string secret then sits in one function's code at most,
 * and only with `allowPlainSecrets`. Works on the raw document
 * (what is bundled) and checks that each result still validates.
 */
import { parseConfig } from '../lambdas/config/parse.js';

type Doc = Record<string, unknown> & { checks: Record<string, unknown>[]; channels?: Record<string, unknown> };

const asDoc = (document: unknown) => document as Doc;

/** Request fields that may hold secrets, which only the probe sends. */
const withoutRequestSecrets = ({ headers: _h, auth: _a, body: _b, ...check }: Record<string, unknown>) => check;

/**
 * A heartbeat's token is the heartbeat endpoint's alone; elsewhere it is replaced by a value no job
 * sends (the schema needs one). Even a `{ secret }` name goes: a function has no use for it.
 */
const WITHHELD_TOKEN = 'withheld-from-this-function';
const withoutToken = (check: Record<string, unknown>) =>
  check.type === 'heartbeat' ? { ...check, token: WITHHELD_TOKEN } : check;

export function probeDocument(document: unknown): unknown {
  const doc = asDoc(document);
  return checked({ ...doc, channels: {}, checks: doc.checks.map(({ channels: _c, ...check }) => withoutToken(check)) });
}

/** Checks without channels or request secrets: what deciding on a result needs. */
const leanChecks = (doc: Doc) => doc.checks.map(({ channels: _c, ...check }) => withoutRequestSecrets(check));

export function dispatcherDocument(document: unknown): unknown {
  const doc = asDoc(document);
  return checked({ ...doc, channels: {}, checks: leanChecks(doc).map(withoutToken) });
}

/** The heartbeat endpoint: the checks as the dispatcher has them, heartbeat tokens kept. */
export function heartbeatDocument(document: unknown): unknown {
  const doc = asDoc(document);
  return checked({ ...doc, channels: {}, checks: leanChecks(doc) });
}

/** The status page publisher: the checks as the dispatcher has them (which are public is all it reads of them). */
export function statusPageDocument(document: unknown): unknown {
  return dispatcherDocument(document);
}

/** For channel `name`: that channel, and each check routed to it (or not) as before. */
export function notifierDocument(document: unknown, name: string): unknown {
  const doc = asDoc(document);
  return checked({
    ...doc,
    channels: { [name]: doc.channels?.[name] },
    checks: doc.checks.map((check) => {
      const lean = withoutToken(withoutRequestSecrets(check));
      const channels = check.channels as string[] | undefined;
      return channels === undefined ? lean : { ...lean, channels: channels.includes(name) ? [name] : [] };
    }),
  });
}

/** A function must be able to read what it is given: a mistake here fails synth, not a cold start. */
function checked(document: Doc): Doc {
  parseConfig(document, 'function config');
  return document;
}
