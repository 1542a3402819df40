// npm run bench — every benchmark against the machine's PostgreSQL (and the embedded database for start-up),
// printed as one report of Markdown tables. BENCH=name,name runs some of them only.
import os from 'node:os';
import { deliveryBench } from './delivery.ts';
import { feedBench } from './feed.ts';
import { readPathBench } from './read-path.ts';
import { serverOverheadBench } from './server-overhead.ts';
import { startupBench } from './startup.ts';
import { subscriptionsBench } from './subscriptions.ts';
import { webhooksBench } from './webhooks.ts';
import { table } from './support.ts';

export interface BenchResult {
  title: string;
  header: string[];
  rows: string[][];
}

const BENCHES: Record<string, () => Promise<BenchResult>> = {
  'read-path': readPathBench,
  'server-overhead': serverOverheadBench,
  subscriptions: subscriptionsBench,
  delivery: deliveryBench,
  webhooks: webhooksBench,
  feed: feedBench,
  startup: startupBench,
};

const only = process.env.BENCH?.split(',').map((name) => name.trim());
const started = performance.now();
const report = [
  `# npm run bench — ${new Date().toISOString().slice(0, 10)}`,
  `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
];
for (const [name, run] of Object.entries(BENCHES)) {
  if (only && !only.includes(name)) continue;
  const began = performance.now();
  const result = await run();
  report.push(
    `\n## ${result.title}\n\n${table(result.header, result.rows)}\n\n(${name}: ${((performance.now() - began) / 1000).toFixed(0)} s)`,
  );
  console.error(`${name} done`);
}
report.push(`\nAll benchmarks took ${((performance.now() - started) / 1000).toFixed(0)} s.`);
console.log(report.join('\n'));
