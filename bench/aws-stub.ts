/**
 * CloudWatch and SQS stand-ins for the Lambda bench, in their own process so their CPU is not the
 * probe's. Counts what it was sent; answers as the services do (SQS with the body's MD5, which the
 * client checks). Usage: tsx bench/aws-stub.ts; prints its port as one JSON line; on stdin's end it
 * prints its counts and exits.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const counts = { metricCalls: 0, queueMessages: 0 };
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString();
    const target = String(req.headers['x-amz-target'] ?? '');
    if (target.startsWith('AmazonSQS.')) {
      counts.queueMessages++;
      const md5 = createHash('md5').update(JSON.parse(body).MessageBody).digest('hex');
      res
        .writeHead(200, { 'content-type': 'application/x-amz-json-1.0' })
        .end(JSON.stringify({ MessageId: 'm', MD5OfMessageBody: md5 }));
      return;
    }
    counts.metricCalls++;
    res.writeHead(200).end();
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
process.stdout.write(`${JSON.stringify((server.address() as AddressInfo).port)}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  process.stdout.write(`${JSON.stringify(counts)}\n`);
  process.exit(0);
});
