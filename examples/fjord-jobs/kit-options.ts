import type { BoardPlugin } from '@multiposting/plugin-sdk';
import type { ConformanceOptions } from '@multiposting/plugin-sdk/conformance';
import { FJORD_WEBHOOK_SAMPLES, fjordDelivery, startFjordJobsSimulator } from './simulator.ts';

/** What the conformance kit needs to check a Fjord Jobs plugin against the simulator. */
export function fjordKitOptions(plugin: BoardPlugin): ConformanceOptions {
  return {
    plugin,
    startSimulator: startFjordJobsSimulator,
    credentials: {
      valid: { employerNumber: '123456', apiKey: 'fj-live-7d1f0c2a9b8e4c55' },
      refused: { employerNumber: '123456', apiKey: 'fj-live-wrong-key-000000' },
      other: { employerNumber: '654321', apiKey: 'fj-live-closed-account-01' },
    },
    invalidBoardFields: [
      { boardFields: { sector: 'MINING' }, path: 'sector' },
      { boardFields: { municipality: 'X' }, path: 'municipality' },
    ],
    webhookSamples: FJORD_WEBHOOK_SAMPLES,
    posting: {
      job: {
        id: 'job-1',
        title: 'Boat mechanic',
        description: '<p>Keep the fleet running.</p>',
        location: { city: 'Bergen', region: null, countryCode: 'NO', postalCode: null },
        employmentType: 'FULL_TIME',
        hoursPerWeek: 37.5,
        salary: null,
        category: null,
        applyUrl: null,
      },
      boardFields: { sector: 'FISHERIES', remote: false, municipality: 'Bergen' },
    },
    signWebhook: (credentials, { timestamp, body }) =>
      fjordDelivery(
        String(credentials.employerNumber),
        {
          type: 'application.received',
          applicationId: 'kit-1',
          jobId: 'fj-1',
          applicant: { name: 'Kari Nordmann', email: 'kari@example.no' },
        },
        { timestamp, apiKey: String(credentials.apiKey), ...(body === undefined ? {} : { rawBody: body }) },
      ),
  };
}
