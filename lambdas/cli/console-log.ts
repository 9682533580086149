import type { Log } from '../core/ports.js';

/**
 * Log for the terminal: warnings and errors as one readable line each (an error's stack below it,
 * for the bug report); routine info stays quiet.
 */
export function consoleLog(write: (text: string) => void): Log {
  const line = (level: string) => (message: string, attributes?: Record<string, unknown>) => {
    const { stack, ...rest } = attributes ?? {};
    const details = Object.entries(rest)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
      .join(' ');
    const trace = level === 'error:' && typeof stack === 'string' ? `\n${stack}` : '';
    write(`${level} ${message}${details ? ` (${details})` : ''}${trace}`);
  };
  return { info: () => {}, warn: line('warn:'), error: line('error:') };
}
