/** Variables the stack sets on its functions. Missing means a deploy outside the stack: fail at cold start, not per call. */
export function stackVariable(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: deploy through the Vigil stack`);
  return value;
}
