// The embedded DynamoDB for a data folder, in a process of its own: dynalite throws from a callback
// on a disk error (a full disk), which would take down whatever process it runs in. Here that ends
// only this process; the monitor restarts it and keeps probing and alerting meanwhile.
import { existsSync } from 'node:fs';
import dynalite from 'dynalite';
import { guardStore } from './store-guard.mjs';

// What LevelDB writes holds every result, incident and job output: its owner's alone.
process.umask(0o077);
const [path, wantedPort] = process.argv.slice(2);
// The key comes through the environment, which only this user can read (argv is world-readable in /proc).
const credentials = JSON.parse(process.env.VIGIL_STORE_CREDENTIALS ?? '{}');
delete process.env.VIGIL_STORE_CREDENTIALS;
const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
guardStore(server, credentials);
// Fault injection for tests (embedded-dynamodb.ts `diskFullWhile`): while the file exists, a write ends
// this process as LevelDB's ENOSPC does under dynalite, before anything is written.
const diskFullWhile = process.env.VIGIL_STORE_DISK_FULL_WHILE;
if (diskFullWhile) {
  server.prependListener('request', (req) => {
    const write = /\.(PutItem|UpdateItem|DeleteItem|BatchWriteItem|CreateTable)$/.test(req.headers['x-amz-target'] ?? '');
    if (write && existsSync(diskFullWhile)) throw new Error(`IO error: ${path}/000001.log: No space left on device`);
  });
}
server.once('error', (error) => {
  process.send?.({ error: error.message });
  process.exit(1);
});
server.listen(Number(wantedPort), '127.0.0.1', () => process.send?.({ port: server.address().port }));
// Stopping is the parent's to decide (it closes the store last); a signal meant for it is not for us.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});
// The parent is gone (even killed): stop, so the folder's lock goes with it.
process.on('disconnect', () => process.exit(0));
// Its memory, for the parent to recycle it past a bound (dynalite's grows with every write it serves).
setInterval(() => {
  const { rss, heapUsed } = process.memoryUsage();
  process.send?.({ rss, heapUsed });
}, 5_000).unref();
process.on('message', (message) => {
  if (message === 'close') server.close(() => process.exit(0));
});
