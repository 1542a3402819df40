// The baseline of bench/webhooks.ts: a bare Node HTTP server that checks a Fjord Jobs signature and answers 202,
// storing nothing — the least a webhook receiver does. Prints "Listening on <port>".
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { ACCOUNTS } from '../examples/fjord-jobs/simulator.ts';

const key = ACCOUNTS['123456']!.apiKey;
const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(request.headers['fjord-signature'] ?? ''));
    const expected = createHmac('sha256', key)
      .update(`${match?.[1]}.${Buffer.concat(chunks).toString()}`)
      .digest();
    const valid = match !== null && timingSafeEqual(expected, Buffer.from(match[2]!, 'hex'));
    response.writeHead(valid ? 202 : 401).end();
  });
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`Listening on ${process.env.PORT}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
