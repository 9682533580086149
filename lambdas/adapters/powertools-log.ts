import type { Logger } from '@aws-lambda-powertools/logger';
import type { Log } from '../core/ports.js';

/** The core's Log port on Powertools Logger: structured JSON lines in CloudWatch Logs. */
export function powertoolsLog(logger: Logger): Log {
  return {
    info: (message, attributes = {}) => logger.info(message, attributes),
    warn: (message, attributes = {}) => logger.warn(message, attributes),
    error: (message, attributes = {}) => logger.error(message, attributes),
  };
}
