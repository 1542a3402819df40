import { describeBoardPlugin } from '../../plugin-sdk/test-kit.ts';
import { LE_FOREM_PARTNERS, startLeForemSimulator } from '../../sandbox/boards/le-forem.ts';
import plugin from './plugin.ts';

describeBoardPlugin({
  plugin,
  startSimulator: () => startLeForemSimulator(),
  credentials: {
    valid: { partnerCode: 'ACME01', apiKey: LE_FOREM_PARTNERS.ACME01! },
    refused: { partnerCode: 'ACME01', apiKey: LE_FOREM_PARTNERS.GLOBEX2! },
  },
});
