// The floor `npm run bench -- cli` sets the 40-check burst against: a bare Node process firing the same
// requests at the same target, 1 ms apart as `vigil check` starts them, a fresh connection each, each
// timed from the call to its last byte. Usage: node bench/bare-burst.mjs URL COUNT; prints the totals (ms) as JSON.
import { get } from 'node:http';

const [url, count] = process.argv.slice(2);
const one = (i) =>
  new Promise((resolve) => {
    setTimeout(() => {
      const started = performance.now();
      get(`${url}?n=${i}`, { agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(Math.round((performance.now() - started) * 10) / 10));
      }).on('error', () => resolve(null));
    }, i);
  });
const totals = await Promise.all(Array.from({ length: Number(count) }, (_, i) => one(i)));
process.stdout.write(`${JSON.stringify(totals)}\n`);
