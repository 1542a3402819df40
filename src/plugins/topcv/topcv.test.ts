import { describeBoardPlugin } from '../../plugin-sdk/test-kit.ts';
import { startTopcvSimulator, TOPCV_EMPLOYERS } from '../../sandbox/boards/topcv.ts';
import plugin from './plugin.ts';

const [accessToken, employer] = Object.entries(TOPCV_EMPLOYERS)[0]!;

describeBoardPlugin({
  plugin,
  startSimulator: () => startTopcvSimulator(),
  credentials: {
    valid: { employerApiKey: accessToken, secretKey: employer.secretKey },
    refused: { employerApiKey: 'tcv-access-revoked-000000', secretKey: employer.secretKey },
  },
});
