import { describe, expect, it } from 'vitest';
import { circles, graphOf, reachesOutside, readGraph } from '../support/import-graph.js';

const graph = readGraph(process.cwd(), 'lambdas');

describe('the layers of lambdas/ (docs/architecture.md "Layers")', () => {
  it('reads the tree it judges', () => {
    expect(graph.get('lambdas/core/pipeline/ingest.ts')).toContain('lambdas/core/alert-state.ts');
    expect(graph.get('lambdas/config/parse.ts')).toContain('lambdas/checks/registry.ts');
  });

  it('has no import circle', () => {
    expect(circles(graph)).toEqual([]);
  });

  it('keeps the core free of plugins, adapters and runtimes', () => {
    expect(reachesOutside(graph, 'lambdas/core', [])).toEqual([]);
  });

  it('lets a plugin use only the core and its own kind', () => {
    expect(reachesOutside(graph, 'lambdas/checks', ['lambdas/core'])).toEqual([]);
    expect(reachesOutside(graph, 'lambdas/channels', ['lambdas/core'])).toEqual([]);
  });

  it('draws the pages from the core alone', () => {
    expect(reachesOutside(graph, 'lambdas/report', ['lambdas/core'])).toEqual([]);
  });
});

describe('the import reader', () => {
  const sources = new Map([
    ['lambdas/core/a.ts', "import type { B } from './b.js';\nexport { c } from '../checks/c.js';"],
    ['lambdas/core/b.ts', "import {\n  a,\n} from './a.js';\nconst d = await import('./d.js');"],
    ['lambdas/checks/c.ts', "import 'node:fs';\nimport * as z from 'zod';"],
    ['lambdas/core/d.ts', ''],
  ]);
  const small = graphOf(sources);

  it('follows type-only, re-exported, multi-line and dynamic imports, and only to files that exist', () => {
    expect(small.get('lambdas/core/a.ts')).toEqual(['lambdas/core/b.ts', 'lambdas/checks/c.ts']);
    expect(small.get('lambdas/core/b.ts')).toEqual(['lambdas/core/a.ts', 'lambdas/core/d.ts']);
    expect(small.get('lambdas/checks/c.ts')).toEqual([]);
  });

  it('finds a circle and a layer crossed', () => {
    expect(circles(small)).toEqual([['lambdas/core/a.ts', 'lambdas/core/b.ts']]);
    expect(reachesOutside(small, 'lambdas/core', [])).toEqual(['lambdas/core/a.ts → lambdas/checks/c.ts']);
  });
});
