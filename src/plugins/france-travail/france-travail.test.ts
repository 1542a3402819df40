import { describeBoardPlugin } from '../../plugin-sdk/test-kit.ts';
import { FRANCE_TRAVAIL_CLIENTS, startFranceTravailSimulator } from '../../sandbox/boards/france-travail.ts';
import plugin from './plugin.ts';

const acme = FRANCE_TRAVAIL_CLIENTS.PAR_acme_5f2c9d01!;

describeBoardPlugin({
  plugin,
  startSimulator: () => startFranceTravailSimulator(),
  credentials: {
    valid: { clientId: 'PAR_acme_5f2c9d01', partyId: acme.partyId, key: acme.key },
    refused: { clientId: 'PAR_acme_5f2c9d01', partyId: acme.partyId, key: 'ft-key-wrong-0000000000' },
  },
});
