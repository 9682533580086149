/**
 * How long Vigil's AWS SDK clients wait: without these a request that never gets an answer (a stopped
 * store, a dropped connection) holds a probe cycle, a dispatch or the local monitor forever. The SDK
 * retries a timed-out request like any transient failure. `throwOnRequestTimeout`: without it the
 * handler only logs a warning when `requestTimeout` passes and keeps waiting.
 */
/** AWS's services answer in milliseconds; seconds of silence is a connection that is gone. */
export const AWS_REQUEST_HANDLER = {
  connectionTimeout: 3_000,
  requestTimeout: 5_000,
  throwOnRequestTimeout: true,
};

/** The embedded store on loopback: a connection is made at once, and its slowest request (a page of a report's query) takes well under this. */
export const LOCAL_STORE_REQUEST_HANDLER = {
  connectionTimeout: 1_000,
  requestTimeout: 3_000,
  throwOnRequestTimeout: true,
};
