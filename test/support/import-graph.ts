/** The relative imports between the repository's modules, read from the source text (type-only ones too). */
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';

export type ImportGraph = ReadonlyMap<string, readonly string[]>;

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^;'"]*?\bfrom\s+'(\.[^']+)'|\bimport\(\s*'(\.[^']+)'\s*\)/g;

/** `sources` by path relative to the root (posix), to the paths each imports. */
export function graphOf(sources: ReadonlyMap<string, string>): ImportGraph {
  const graph = new Map<string, string[]>();
  for (const [file, text] of sources) {
    const targets = [...text.matchAll(IMPORT)]
      .map((m) => posix.normalize(posix.join(posix.dirname(file), (m[1] ?? m[2]) as string)).replace(/\.js$/, '.ts'))
      .filter((target) => sources.has(target));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

export function readGraph(root: string, folder: string): ImportGraph {
  const sources = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) sources.set(relative(root, path).split('\\').join('/'), readFileSync(path, 'utf8'));
    }
  };
  walk(join(root, folder));
  return graphOf(sources);
}

/** Every group of modules that import each other round a circle (Tarjan's strongly connected components). */
export function circles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node) as number);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node)?.includes(node)) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

/** "a.ts → b.ts" for each import from a module under `folder` to one outside every folder it may use. */
export function reachesOutside(graph: ImportGraph, folder: string, mayUse: readonly string[]): string[] {
  const inside = (path: string, f: string) => path.startsWith(`${f}/`);
  return [...graph].flatMap(([from, targets]) =>
    inside(from, folder)
      ? targets.filter((t) => !inside(t, folder) && !mayUse.some((f) => inside(t, f))).map((t) => `${from} → ${t}`)
      : [],
  );
}
