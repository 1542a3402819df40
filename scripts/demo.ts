// npm run demo — the server on the embedded database with every built-in board pointed at its local simulator,
// so contracts can be connected from GraphiQL without any real board.
import { startBoardSimulators } from '../src/sandbox/boards/index.ts';

const { simulators, credentials } = await startBoardSimulators();
process.env.BOARD_BASE_URLS = Object.entries(simulators)
  .map(([id, simulator]) => `${id}=${simulator.url}`)
  .join(',');
console.log('Board simulators are running. Credentials they accept (demo only):');
for (const [board, values] of Object.entries(credentials)) console.log(`  ${board}: ${JSON.stringify(values)}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void Promise.all(Object.values(simulators).map((simulator) => simulator.close())));
}
await import('../src/server.ts');
