import { describeBoardPlugin } from '@multiposting/plugin-sdk/test-kit';
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
  posting: {
    job: {
      id: 'job-1',
      title: 'Nhân viên kinh doanh',
      description: '<p>Tìm kiếm và chăm sóc khách hàng doanh nghiệp tại Hà Nội, báo cáo trưởng phòng.</p>',
      location: { city: 'Hà Nội', region: null, countryCode: 'VN', postalCode: null },
      employmentType: 'FULL_TIME',
      hoursPerWeek: 40,
      salary: { min: 12_000_000, max: 18_000_000, currency: 'VND', period: 'MONTH' },
      category: null,
      applyUrl: null,
    },
    boardFields: {
      industry: 'SALES',
      jobLevel: 'STAFF',
      salary: { negotiable: false, min: 12_000_000, max: 18_000_000 },
      provinces: ['VN-HN'],
      deadline: new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10),
    },
  },
  signWebhook: (credentials, { timestamp, body }) =>
    topcvDelivery(
      String(credentials.secretKey),
      { event: 'application.created', data: { application_id: 'kit-1', job_title: 'Kế toán', candidate: { full_name: 'Trần Thị B', email: 'b@example.vn' } } },
      { timestamp, ...(body === undefined ? {} : { rawBody: body }) },
    ),
});
