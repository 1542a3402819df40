import { describeBoardPlugin } from '@multiposting/plugin-sdk/test-kit';
import { startTopcvSimulator, topcvDelivery, TOPCV_EMPLOYERS } from './simulator.ts';
import plugin from './plugin.ts';

const [accessToken, employer] = Object.entries(TOPCV_EMPLOYERS)[0]!;
const [otherToken, other] = Object.entries(TOPCV_EMPLOYERS)[1]!;
const CV_LINK = 'https://www.topcv.vn/api/v1/cv-management/onetime-download?token=kit0001';

describeBoardPlugin({
  plugin,
  startSimulator: () => startTopcvSimulator(),
  credentials: {
    valid: { employerApiKey: accessToken, secretKey: employer.secretKey },
    refused: { employerApiKey: 'tcv-access-revoked-000000', secretKey: employer.secretKey },
    other: { employerApiKey: otherToken, secretKey: other.secretKey },
  },
  invalidBoardFields: [
    { boardFields: { job_family_category: 'FARMING' }, path: 'job_family_category' },
    { boardFields: { locations: [{ province_id: 'VN-XX' }] }, path: 'locations.0.province_id' },
    { boardFields: { salary_type: 1, salary_from: undefined }, path: 'salary_from' },
    { boardFields: { experience: '10+' }, path: 'experience' },
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
      name: 'an application, its CV behind a one-time link (TopCV’s shape)',
      body: JSON.stringify({
        job_id: 4711,
        job_title: 'Nhân viên kinh doanh',
        apply_at: '2026-11-26 09:15:00',
        candidate_name: 'Trần Thị B',
        candidate_email: 'b@example.vn',
        candidate_phone: '0912345678',
        download_url: CV_LINK,
      }),
      events: [
        {
          type: 'candidate.applied',
          externalPostingId: '4711',
          appliedAt: '2026-11-26T09:15:00+07:00',
          candidate: { name: 'Trần Thị B', email: 'b@example.vn', phone: '0912345678' },
          documentDownload: { url: CV_LINK },
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
      job_family_category: 'SALES',
      employee_level: 'STAFF',
      experience: '1-3',
      salary_type: 1,
      salary_from: 12_000_000,
      salary_to: 18_000_000,
      locations: [{ province_id: 'VN-HN' }],
      job_requirement: '<ul><li>Hai năm kinh nghiệm bán hàng</li></ul>',
      deadline: new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10),
    },
  },
  signWebhook: (credentials, { timestamp, body }) =>
    topcvDelivery(
      String(credentials.secretKey),
      {
        job_title: 'Kế toán',
        apply_at: '2026-11-26 10:00:00',
        candidate_name: 'Trần Thị B',
        candidate_email: 'b@example.vn',
      },
      { timestamp, ...(body === undefined ? {} : { rawBody: body }) },
    ),
});
