import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('npm start', () => {
  it('shows a down alert and its recovery, with the Slack and PagerDuty payloads, in under 90 seconds', async () => {
    const started = Date.now();
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn('npm', ['start', '--silent'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      child.stderr.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      child.on('close', (exitCode) => resolve({ code: exitCode, output }));
    });
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(90_000);
    // The 503 carries the health document, so the alert names the failing component.
    expect(output).toContain('ALERT CRITICAL DOWN: Demo API health: health says unhealthy (database) (HTTP 503)');
    expect(output).toMatch(/ALERT CRITICAL RECOVERED: Demo API health: back up after \d+s/);
    expect(output.match(/┌─ Slack received:/g)).toHaveLength(2);
    expect(output.match(/┌─ PagerDuty received:/g)).toHaveLength(2);
    expect(output).toContain('"event_action": "trigger"');
    expect(output).toContain('"event_action": "resolve"');
    expect(output).toContain('Demo complete: one incident opened and resolved.');
    expect(output).not.toContain('NodeVersionSupportWarning');
  }, 100_000);
});
