import type { ApplicationPage } from '../core/candidates/application-page.ts';

/** Our employment types in schema.org's words (https://schema.org/employmentType, as search engines read them). */
const EMPLOYMENT_TYPES: Record<string, string> = {
  FULL_TIME: 'FULL_TIME',
  PART_TIME: 'PART_TIME',
  TEMPORARY: 'TEMPORARY',
  INTERNSHIP: 'INTERN',
  FREELANCE: 'CONTRACTOR',
};

/**
 * The job as schema.org `JobPosting` structured data, for the hosted page's `<script type="application/ld+json">`:
 * what search engines need to list a job (title, description, datePosted, hiringOrganization, jobLocation) and what
 * they recommend (validThrough, employmentType, baseSalary, directApply, identifier) when the job says it.
 */
export function jobPostingData(page: ApplicationPage, url: string): Record<string, unknown> {
  const { job } = page;
  const address = Object.fromEntries(
    Object.entries({
      addressLocality: job.city,
      addressRegion: job.region,
      postalCode: job.postalCode,
      addressCountry: job.countryCode,
    }).filter(([, value]) => value),
  );
  const salary = job.salaryCurrency && (job.salaryMin ?? job.salaryMax);
  return {
    '@context': 'https://schema.org/',
    '@type': 'JobPosting',
    title: job.title,
    description: job.description,
    datePosted: page.postedAt.toISOString(),
    ...(page.closesAt ? { validThrough: page.closesAt.toISOString() } : {}),
    ...(job.employmentType ? { employmentType: EMPLOYMENT_TYPES[job.employmentType] ?? 'OTHER' } : {}),
    hiringOrganization: { '@type': 'Organization', name: page.organizationName },
    jobLocation: { '@type': 'Place', address: { '@type': 'PostalAddress', ...address } },
    ...(salary
      ? {
          baseSalary: {
            '@type': 'MonetaryAmount',
            currency: job.salaryCurrency,
            value: {
              '@type': 'QuantitativeValue',
              ...(job.salaryMin === null ? {} : { minValue: Number(job.salaryMin) }),
              ...(job.salaryMax === null ? {} : { maxValue: Number(job.salaryMax) }),
              unitText: job.salaryPeriod ?? 'YEAR',
            },
          },
        }
      : {}),
    directApply: true,
    identifier: { '@type': 'PropertyValue', name: page.organizationName, value: job.id },
    url,
  };
}

/** JSON for a `<script>` element: nothing in it can close the element or open a comment. */
export const scriptJson = (value: unknown) =>
  JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
