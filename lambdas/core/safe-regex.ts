/**
 * Regular expressions from the config run against what targets send, so they run on RE2 (re2js, in
 * pure JavaScript): matching takes time linear in the input, and no body can make a pattern
 * backtrack for minutes. RE2 has no lookaround and no backreferences; the config says so up front.
 */
import { RE2JS } from 're2js';

const compiled = new Map<string, RE2JS>();

/** Whether `pattern` matches anywhere in `input`. The pattern must have passed `regexProblem`. */
export function safeTest(pattern: string, input: string): boolean {
  let re = compiled.get(pattern);
  if (!re) {
    re = RE2JS.compile(pattern);
    compiled.set(pattern, re);
  }
  return re.test(input);
}

/** Why `pattern` is not one Vigil can run, or null. */
export function regexProblem(pattern: string): string | null {
  try {
    RE2JS.compile(pattern);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}
