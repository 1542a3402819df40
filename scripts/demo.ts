// npm run demo — the server on the embedded database with every built-in board pointed at its local simulator,
// plus the Fjord Jobs example board (which publishes, and reviews public-sector jobs), so contracts can be
// connected and jobs posted from GraphiQL without any real board.
import { ACCOUNTS, startFjordJobsSimulator } from '../examples/fjord-jobs/simulator.ts';
import { FRANCE_TRAVAIL_CLIENTS } from '../src/plugins/france-travail/simulator.ts';
import { WAREHOUSE_FIELDS } from '../src/plugins/le-forem/sample-posting.ts';
import { startBoardSimulators } from '../src/sandbox/board-simulators.ts';

const { simulators, credentials } = await startBoardSimulators();
const fjord = await startFjordJobsSimulator();
const all = { ...simulators, 'fjord-jobs': fjord };
// Contracts waiting for a board (France Travail's sandbox access) are looked at every 10 s instead of 15 min.
process.env.CONTRACT_CHECK_INTERVAL_MS ??= '10000';
// Boards that review without calling back (Le Forem, France Travail) are asked after 3 s instead of a minute.
process.env.STATUS_POLL_BASE_MS ??= '3000';
process.env.BOARD_PLUGINS = [process.env.BOARD_PLUGINS, './examples/fjord-jobs/plugin.ts'].filter(Boolean).join(',');
process.env.BOARD_BASE_URLS = Object.entries(all)
  .map(([id, simulator]) => `${id}=${simulator.url}`)
  .join(',');
// Which environment each printed set of credentials connects (board:ENVIRONMENT keys name one already).
const ENVIRONMENTS: Record<string, string> = {
  'france-travail': 'SANDBOX and PRODUCTION',
  topcv: 'PRODUCTION',
  ingoedebanen: 'PRODUCTION',
  'fjord-jobs': 'SANDBOX',
};
console.log('Board simulators are running. Credentials they accept (demo only):');
for (const [board, values] of Object.entries({
  ...credentials,
  'fjord-jobs': { employerNumber: '123456', apiKey: ACCOUNTS['123456']!.apiKey },
})) {
  console.log(`  ${board}${ENVIRONMENTS[board] ? ` (${ENVIRONMENTS[board]})` : ''}: ${JSON.stringify(values)}`);
}
const topcvUrl = simulators.topcv!.url;
const franceTravailUrl = simulators['france-travail:PRODUCTION']!.url;
console.log(
  `  topcv: reviews every job 3 s after it is posted; for its webhooks, paste a contract's webhookUrl with\n` +
    `    curl -X PUT ${topcvUrl}/api/v1/employer/webhook -H 'authorization: Bearer ${credentials.topcv!.employerApiKey}' -H 'content-type: application/json' -d '{"url":"<webhookUrl>"}'\n` +
    `    then drive it: a refusal  curl -X POST ${topcvUrl}/_simulator/jobs/<externalId>/review -H 'content-type: application/json' -d '{"approved":false,"reason":"…"}'\n` +
    `                   an expiry  curl -X POST ${topcvUrl}/_simulator/jobs/<externalId>/expire\n` +
    `          an application  curl -X POST ${topcvUrl}/_simulator/applications -H 'content-type: application/json' -d '{"jobId":<externalId>,"name":"Lê Thị Hồng","email":"hong@example.vn","cv":"CV text"}'`,
);
const initech = FRANCE_TRAVAIL_CLIENTS.PAR_initech_3c4d5e6f!;
console.log(
  `  france-travail: moderators decide 5 s after posting (an offer asking for a « jeune » is refused). To try the sandbox\n` +
    `    access request: requestFranceTravailSandboxAccess with clientId PAR_initech_3c4d5e6f, SIRET 73282932000074 and 5 or more\n` +
    `    positions a year (granted after 10 s), then connect SANDBOX with ${JSON.stringify({ clientId: 'PAR_initech_3c4d5e6f', partyId: initech.partyId, key: initech.key })}\n` +
    `    A quality drop or a suspension of production access (seen at the next contract check, every 10 s here):\n` +
    `    curl -X POST ${franceTravailUrl}/_simulator/quality -H 'content-type: application/json' -d '{"partyId":"${credentials['france-travail']!.partyId}","rate":72,"suspendedReason":"taux de qualité insuffisant"}'`,
);
console.log(
  "  ingoedebanen: no API to call; connect it, publish, and open the contract's feedUrl (admins see it) in a browser.",
);
console.log(
  `  le-forem: board fields in Le Forem's codes, e.g. ${JSON.stringify(WAREHOUSE_FIELDS)};\n` +
    '    ROME V3 N1101 is one Le Forem no longer takes: its dry run refuses it before a credit is taken.',
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void Promise.all(Object.values(all).map((simulator) => simulator.close())));
}
await import('../src/server.ts');
