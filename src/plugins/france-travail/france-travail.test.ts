import { describeBoardPlugin } from '@multiposting/plugin-sdk/test-kit';
import { FRANCE_TRAVAIL_CLIENTS, startFranceTravailSimulator } from '../../plugins/france-travail/simulator.ts';
import plugin from './plugin.ts';

const acme = FRANCE_TRAVAIL_CLIENTS.PAR_acme_5f2c9d01!;

describeBoardPlugin({
  plugin,
  startSimulator: () => startFranceTravailSimulator(),
  credentials: {
    valid: { clientId: 'PAR_acme_5f2c9d01', partyId: acme.partyId, key: acme.key },
    refused: { clientId: 'PAR_acme_5f2c9d01', partyId: acme.partyId, key: 'ft-key-wrong-0000000000' },
    other: {
      clientId: 'PAR_globex_7a3e1b22',
      partyId: FRANCE_TRAVAIL_CLIENTS.PAR_globex_7a3e1b22!.partyId,
      key: FRANCE_TRAVAIL_CLIENTS.PAR_globex_7a3e1b22!.key,
    },
  },
  invalidBoardFields: [
    { boardFields: { communeCode: '6912' }, path: 'communeCode' },
    { boardFields: { contractType: 'GIG' }, path: 'contractType' },
  ],
  posting: {
    job: {
      id: 'job-1',
      title: 'Développeur web (H/F)',
      description: '<p>Vous développez nos applications web.</p><ul><li>TypeScript</li><li>PostgreSQL</li></ul>',
      location: { city: 'Lyon', region: null, countryCode: 'FR', postalCode: '69002' },
      employmentType: 'FULL_TIME',
      hoursPerWeek: 35,
      salary: { min: 38000, max: 45000, currency: 'EUR', period: 'YEAR' },
      category: null,
      applyUrl: null,
    },
    boardFields: {
      romeCode: 'M1805',
      contractType: 'CDI',
      hoursPerWeek: 35,
      experience: 'PREFERRED',
      experienceMonths: 24,
      communeCode: '69123',
    },
  },
});
