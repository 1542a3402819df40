import { describeBoardPlugin } from '@multiposting/plugin-sdk/test-kit';
import { FRANCE_TRAVAIL_CLIENTS, startFranceTravailSimulator } from './simulator.ts';
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
    { boardFields: { lieuTravail: { commune: '6912' } }, path: 'lieuTravail.commune' },
    { boardFields: { typeContrat: 'GIG' }, path: 'typeContrat' },
    { boardFields: { natureContrat: 'Z9' }, path: 'natureContrat' },
    { boardFields: { experienceExige: 'PREFERRED' }, path: 'experienceExige' },
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
      typeContrat: 'CDI',
      hoursPerWeek: 35,
      experienceExige: 'S',
      experienceMonths: 24,
      lieuTravail: { commune: '69123' },
    },
  },
});
