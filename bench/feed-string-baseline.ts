// The baseline of bench/feed.ts: the same feed built as one string in memory (what streaming avoids).
// Prints {"bytes", "ms", "rssGrowthMb"} for the contract given in FEED_CONTRACT_ID.
import { BoardRegistry } from '../src/core/boards.ts';
import { loadKeyring } from '../src/core/crypto.ts';
import { feedItems } from '../src/core/feeds/feed.ts';
import { openFeed } from '../src/core/feeds/open.ts';
import { pluginState } from '../src/core/plugins/state.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { createLogger } from '../src/logger.ts';
import { BUILT_IN_PLUGINS } from '../src/plugins/index.ts';

const config = loadConfig();
const db = await openDatabase(config);
const { keyring } = await loadKeyring(config.encryptionKeys, config.dataDir);
const boards = new BoardRegistry(BUILT_IN_PLUGINS, {
  baseUrls: {},
  timeoutMs: 5000,
  log: createLogger({ log: { ...config.log, level: 'error' } }),
});
const feed = await openFeed(
  { prisma: db.prisma, boards, keyring, publicUrl: () => 'http://localhost:4000' },
  'ingoedebanen',
  process.env.FEED_TOKEN!,
);
if (!feed) throw new Error('No feed for FEED_TOKEN');
const rss = () => process.memoryUsage().rss;
const before = rss();
let peak = before;
const sampler = setInterval(() => (peak = Math.max(peak, rss())), 10);
const started = performance.now();
let document = '';
for await (const chunk of feed.plugin.renderFeed({
  ...feed.context,
  items: feedItems(db.prisma, feed.scope),
  state: pluginState(db.prisma, 'ingoedebanen', feed.contract.organizationId),
  generatedAt: new Date(),
})) {
  document += chunk;
}
const bytes = Buffer.byteLength(document);
peak = Math.max(peak, rss());
clearInterval(sampler);
console.log(JSON.stringify({ bytes, ms: Math.round(performance.now() - started), rssGrowthMb: (peak - before) / 1e6 }));
await db.close();
