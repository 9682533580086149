/**
 * The field names a zod schema accepts at a path of a document, so an unknown field can be
 * answered with "did you mean …". Reads zod's own schema description; pure.
 */
import type * as z from 'zod';

type Schema = z.core.$ZodType;

interface Def {
  readonly type: string;
  readonly innerType?: Schema;
  readonly in?: Schema;
  readonly shape?: Readonly<Record<string, Schema>>;
  readonly element?: Schema;
  readonly valueType?: Schema;
  readonly options?: readonly Schema[];
  readonly discriminator?: string;
}

const defOf = (schema: Schema) => schema._zod.def as unknown as Def;

/** The schemas a value at this point may match: wrappers removed, a union's options chosen by the value. */
function candidates(schema: Schema, value: unknown): Schema[] {
  const def = defOf(schema);
  if (def.innerType) return candidates(def.innerType, value);
  if (def.type === 'pipe' && def.in) return candidates(def.in, value);
  if (def.type === 'union' && def.options) {
    const tag =
      def.discriminator && value !== null && typeof value === 'object'
        ? (value as Record<string, unknown>)[def.discriminator]
        : undefined;
    const matching = def.options.filter((option) => {
      const shape = candidates(option, value)
        .map(defOf)
        .find((d) => d.shape)?.shape;
      const literal = def.discriminator ? shape?.[def.discriminator] : undefined;
      return tag === undefined || !literal || (literal._zod.def as { values?: unknown[] }).values?.includes(tag);
    });
    return matching.flatMap((option) => candidates(option, value));
  }
  return [schema];
}

/** The schemas one step down (`key` of an object, an item of a list or record). */
function child(schema: Schema, key: PropertyKey): Schema | undefined {
  const def = defOf(schema);
  if (def.shape && typeof key === 'string') return def.shape[key];
  if (def.element && typeof key === 'number') return def.element;
  if (def.valueType) return def.valueType;
  return undefined;
}

/** The fields accepted at `path` of `document`, or none when the path leaves the schema. */
export function knownFieldsAt(schema: Schema, document: unknown, path: readonly PropertyKey[]): Set<string> {
  let here: Schema[] = [schema];
  let value: unknown = document;
  for (const key of path) {
    here = here.flatMap((s) => candidates(s, value)).flatMap((s) => child(s, key) ?? []);
    value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  }
  const fields = here.flatMap((s) => candidates(s, value)).flatMap((s) => Object.keys(defOf(s).shape ?? {}));
  return new Set(fields);
}
