import type { Simulator } from '@multiposting/plugin-sdk/simulator';
import { FRANCE_TRAVAIL_CLIENTS, startFranceTravailSimulator } from '../plugins/france-travail/simulator.ts';
import { IGB_ACCOUNT } from '../plugins/ingoedebanen/simulator.ts';
import {
  LE_FOREM_PARTNERS,
  LE_FOREM_PRODUCTION_PARTNERS,
  startLeForemSimulator,
} from '../plugins/le-forem/simulator.ts';
import { startTopcvSimulator, TOPCV_EMPLOYERS } from '../plugins/topcv/simulator.ts';

/** Every built-in board's simulator with credentials it accepts, for the demo and for tests. */
export async function startBoardSimulators(): Promise<{
  simulators: Record<string, Simulator>;
  credentials: Record<string, Record<string, string>>;
}> {
  const [leForem, leForemProduction, franceTravail, franceTravailProduction, topcv] = await Promise.all([
    startLeForemSimulator({ environment: 'ACCEPTANCE', auditDelayMs: 5000 }),
    startLeForemSimulator({ environment: 'PRODUCTION' }),
    startFranceTravailSimulator({ environment: 'SANDBOX', moderationDelayMs: 5000, accessDecisionDelayMs: 10_000 }),
    startFranceTravailSimulator({ environment: 'PRODUCTION', moderationDelayMs: 5000 }),
    startTopcvSimulator({ autoReviewMs: 3000 }),
  ]);
  const [clientId, client] = Object.entries(FRANCE_TRAVAIL_CLIENTS)[0]!;
  const [employerApiKey, employer] = Object.entries(TOPCV_EMPLOYERS)[0]!;
  return {
    // Keys are BOARD_BASE_URLS entries: a board id, or board-id:ENVIRONMENT when each environment has its own API.
    simulators: {
      'le-forem:ACCEPTANCE': leForem,
      'le-forem:PRODUCTION': leForemProduction,
      'france-travail:SANDBOX': franceTravail,
      'france-travail:PRODUCTION': franceTravailProduction,
      topcv,
    },
    credentials: {
      'le-forem:ACCEPTANCE': { partnerCode: 'ACME01', apiKey: LE_FOREM_PARTNERS.ACME01! },
      'le-forem:PRODUCTION': { partnerCode: 'ACME01', apiKey: LE_FOREM_PRODUCTION_PARTNERS.ACME01! },
      'france-travail': { clientId, partyId: client.partyId, key: client.key },
      topcv: { employerApiKey, secretKey: employer.secretKey },
      // No simulator: InGoedeBanen pulls the contract's feedUrl (startIngoedebanenReader reads it as the board does).
      ingoedebanen: { ...IGB_ACCOUNT, publicationMode: 'DEDICATED_MEDIUM' },
    },
  };
}
