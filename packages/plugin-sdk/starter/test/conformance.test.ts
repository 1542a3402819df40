import { describeBoardPlugin } from '@multiposting/plugin-sdk/test-kit';
import plugin from '../src/plugin.ts';
import { API_KEYS, startBoardSimulator } from '../src/simulator.ts';

describeBoardPlugin({
  plugin,
  startSimulator: startBoardSimulator,
  credentials: {
    valid: { apiKey: API_KEYS.valid },
    refused: { apiKey: API_KEYS.refused },
    other: { apiKey: API_KEYS.other },
  },
  invalidBoardFields: [{ boardFields: { category: 'MINING' }, path: 'category' }],
  posting: {
    job: {
      id: '00000000-0000-4000-8000-000000000001',
      title: 'Nurse (m/f/x)',
      description: '<p>Care for our patients.</p>',
      location: { city: 'Utrecht', region: null, countryCode: 'NL', postalCode: '3511 AA' },
      employmentType: 'FULL_TIME',
      hoursPerWeek: 36,
      salary: null,
      category: 'Care',
      applyUrl: null,
    },
    boardFields: { category: 'CARE', remote: false },
  },
});
