import { describeBoardPlugin } from '@multiposting/plugin-sdk/test-kit';
import { startTopcvSimulator, topcvDelivery, TOPCV_EMPLOYERS } from '../../plugins/topcv/simulator.ts';
import plugin from './plugin.ts';

const [accessToken, employer] = Object.entries(TOPCV_EMPLOYERS)[0]!;
const [otherToken, other] = Object.entries(TOPCV_EMPLOYERS)[1]!;
const CV = Buffer.from('%PDF-1.4 kit').toString('base64');

describeBoardPlugin({
  plugin,
  startSimulator: () => startTopcvSimulator(),
  credentials: {
    valid: { employerApiKey: accessToken, secretKey: employer.secretKey },
    refused: { employerApiKey: 'tcv-access-revoked-000000', secretKey: employer.secretKey },
    other: { employerApiKey: otherToken, secretKey: other.secretKey },
  },
  invalidBoardFields: [
    { boardFields: { industry: 'FARMING' }, path: 'industry' },
    { boardFields: { provinces: ['VN-XX'] }, path: 'provinces.0' },
  ],
  webhookSamples: [
    {
      name: 'an approval',
      body: JSON.stringify({ event: 'job.approved', data: { job_id: 4711 } }),
      events: [{ type: 'posting.reviewed', externalId: '4711', approved: true }],
    },
    {
      name: 'a rejection with its reason',
      body: JSON.stringify({ event: 'job.rejected', data: { job_id: 4711, reason: 'Thiếu mức lương' } }),
      events: [{ type: 'posting.reviewed', externalId: '4711', approved: false, reason: 'Thiếu mức lương' }],
    },
    {
      name: 'an expiry',
      body: JSON.stringify({ event: 'job.expired', data: { job_id: 4711 } }),
      events: [{ type: 'posting.closed', externalId: '4711' }],
    },
    {
      name: 'an application with its CV',
      body: JSON.stringify({
        event: 'application.created',
        data: {
          application_id: 'kit-2',
          job_id: 4711,
          candidate: { full_name: 'Trần Thị B', email: 'b@example.vn' },
          cv: { file_name: 'cv.pdf', mime_type: 'application/pdf', content_base64: CV },
        },
      }),
      events: [
        {
          type: 'candidate.applied',
          applicationId: 'kit-2',
          externalPostingId: '4711',
          candidate: { name: 'Trần Thị B', email: 'b@example.vn' },
          document: { fileName: 'cv.pdf', contentBase64: CV },
        },
      ],
    },
  ],
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
      {
        event: 'application.created',
        data: {
          application_id: 'kit-1',
          job_title: 'Kế toán',
          candidate: { full_name: 'Trần Thị B', email: 'b@example.vn' },
        },
      },
      { timestamp, ...(body === undefined ? {} : { rawBody: body }) },
    ),
});
