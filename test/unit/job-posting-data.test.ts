import { expect, test } from 'vitest';
import { jobPostingData, scriptJson } from '../../src/http/job-posting-data.ts';

const page = {
  organizationId: 'o',
  organizationName: 'Acme </script><script>alert(1)</script>',
  contractId: 'c',
  boardId: 'ingoedebanen',
  externalPostingId: 'p',
  postedAt: new Date('2026-11-20T09:00:00Z'),
  closesAt: new Date('2026-12-20T09:00:00Z'),
  job: {
    id: 'j',
    title: 'Chauffeur C/E & "nachtdienst" <Utrecht>',
    description: '<p>Rijden.</p>',
    city: 'Utrecht',
    region: null,
    postalCode: null,
    countryCode: 'NL',
    employmentType: 'FREELANCE',
    salaryMin: null,
    salaryMax: null,
    salaryCurrency: null,
    salaryPeriod: null,
    createdAt: new Date('2026-11-01T00:00:00Z'),
  },
} as unknown as Parameters<typeof jobPostingData>[0];

test('JobPosting data in a script element stays data whatever the job says, and reads back the same', () => {
  const data = jobPostingData(page, 'https://jobs.example/apply/c/j');
  const script = scriptJson(data);
  expect(script).not.toMatch(/[<>&]/);
  expect(JSON.parse(script)).toEqual(data);
  expect(data).toMatchObject({
    title: 'Chauffeur C/E & "nachtdienst" <Utrecht>',
    datePosted: '2026-11-20T09:00:00.000Z',
    validThrough: '2026-12-20T09:00:00.000Z',
    employmentType: 'CONTRACTOR',
    jobLocation: { address: { '@type': 'PostalAddress', addressLocality: 'Utrecht', addressCountry: 'NL' } },
  });
  // No salary given: no baseSalary, rather than an empty one.
  expect(data).not.toHaveProperty('baseSalary');
});
