/**
 * vitest's global setup: every temporary folder the run makes (tests' own, CDK's cdk.out*, the CLIs it
 * spawns) goes under one folder of its own, removed when the run ends, so nothing is left in /tmp.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'vigil-test-run-'));
  // Workers and the processes tests spawn inherit it: os.tmpdir() reads TMPDIR.
  process.env.TMPDIR = root;
  return () => rmSync(root, { recursive: true, force: true });
}
