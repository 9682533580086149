// The baseline `npm run bench -- cli` measures `vigil check` against: a bare Node loop fetching URLs at a
// concurrency, a fresh connection each (as Vigil's probe makes), in its own process so its start counts
// too. Usage: node bench/bare-loop.mjs URLS_JSON_FILE CONCURRENCY; prints how many answered 200.
import { readFileSync } from 'node:fs';
import { get } from 'node:http';

const [file, concurrency] = process.argv.slice(2);
const urls = JSON.parse(readFileSync(file, 'utf8'));
let next = 0;
let ok = 0;
const fetchOne = (url) =>
  new Promise((resolve) => {
    get(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode === 200) ok++;
        resolve();
      });
    }).on('error', resolve);
  });
await Promise.all(
  Array.from({ length: Number(concurrency) }, async () => {
    while (next < urls.length) await fetchOne(urls[next++]);
  }),
);
process.stdout.write(`${ok}\n`);
