import { describeBoardPlugin } from '@multiposting/plugin-sdk/test-kit';
import { LE_FOREM_PARTNERS, startLeForemSimulator } from '../../plugins/le-forem/simulator.ts';
import plugin from './plugin.ts';

describeBoardPlugin({
  plugin,
  startSimulator: () => startLeForemSimulator(),
  credentials: {
    valid: { partnerCode: 'ACME01', apiKey: LE_FOREM_PARTNERS.ACME01! },
    refused: { partnerCode: 'ACME01', apiKey: LE_FOREM_PARTNERS.GLOBEX2! },
    other: { partnerCode: 'GLOBEX2', apiKey: LE_FOREM_PARTNERS.GLOBEX2! },
  },
  invalidBoardFields: [
    { boardFields: { postalCode: '40000' }, path: 'postalCode' },
    { boardFields: { contractType: 'GIG' }, path: 'contractType' },
  ],
  posting: {
    job: {
      id: 'job-1',
      title: 'Magasinier (h/f/x)',
      description:
        '<p>Réception, contrôle et rangement des marchandises dans notre entrepôt de Liège; préparation des commandes et inventaires.</p>',
      location: { city: 'Liège', region: null, countryCode: 'BE', postalCode: '4000' },
      employmentType: 'FULL_TIME',
      hoursPerWeek: 38,
      salary: null,
      category: null,
      applyUrl: null,
    },
    boardFields: {
      language: 'fr',
      contractType: 'CDI',
      workingRegime: 'TEMPS_PLEIN',
      category: 'LOG',
      postalCode: '4000',
    },
  },
});
