import { describeBoardPlugin } from '../../plugin-sdk/test-kit.ts';
import { startTopcvSimulator, topcvDelivery, TOPCV_EMPLOYERS } from '../../sandbox/boards/topcv.ts';
import plugin from './plugin.ts';

const [accessToken, employer] = Object.entries(TOPCV_EMPLOYERS)[0]!;

describeBoardPlugin({
  plugin,
  startSimulator: () => startTopcvSimulator(),
  credentials: {
    valid: { employerApiKey: accessToken, secretKey: employer.secretKey },
    refused: { employerApiKey: 'tcv-access-revoked-000000', secretKey: employer.secretKey },
  },
  signWebhook: (credentials, { timestamp, body }) =>
    topcvDelivery(
      String(credentials.secretKey),
      { event: 'application.created', data: { application_id: 'kit-1', job_title: 'Kế toán', candidate: { full_name: 'Trần Thị B', email: 'b@example.vn' } } },
      { timestamp, ...(body === undefined ? {} : { rawBody: body }) },
    ),
});
